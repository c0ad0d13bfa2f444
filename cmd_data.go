package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/im2im/im2im/data/dataset"
	"github.com/im2im/im2im/data/store"
	"github.com/im2im/im2im/data/synth"
	"github.com/im2im/im2im/data/transform"
)

// newDataCmd builds the data command group: synth, cache, info. Each call
// makes fresh flag state (tests run several invocations in one process).
func newDataCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "data",
		Short: "Data tools: generate synthetic pairs, pre-build the patch store, inspect stores and datasets",
	}
	c.AddCommand(newDataSynthCmd(), newDataCacheCmd(), newDataInfoCmd())
	return c
}

func init() { rootCmd.AddCommand(newDataCmd()) }

// parseInts reads "32,128,128".
func parseInts(s string) ([]int, error) {
	var out []int
	for _, p := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil {
			return nil, fmt.Errorf("%q is not a comma-separated list of integers", s)
		}
		out = append(out, v)
	}
	return out, nil
}

func newDataSynthCmd() *cobra.Command {
	var kind, out, size string
	var n int
	var seed uint64
	cmd := &cobra.Command{
		Use:   "synth --kind K --out DIR [--n N] [--seed S] [--size 128,128 | 32,128,128]",
		Short: "Write synthetic OME-TIFF pairs (X_IM / X_GT) into a folder",
		Long: "Writes N synthetic pairs named <kind>_<i>_IM.ome.tiff / _GT.ome.tiff, a ready dataset folder.\nKinds:\n  " +
			strings.Join(synth.Kinds(), "\n  ") + "\n--size gives Y,X for 2D or Z,Y,X for 3D.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			k, err := synth.ParseKind(kind)
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			if out == "" {
				return &exitError{code: 2, err: errors.New("data synth: --out DIR is required")}
			}
			shape, err := parseInts(size)
			if err != nil {
				return &exitError{code: 2, err: fmt.Errorf("data synth: --size: %w", err)}
			}
			opts := synth.Options{Shape: shape, Seed: seed}
			if err := opts.Check(); err != nil {
				return &exitError{code: 2, err: fmt.Errorf("data synth: --size %s: %w", size, err)}
			}
			if n < 1 {
				return &exitError{code: 2, err: fmt.Errorf("data synth: --n %d: want at least 1 pair", n)}
			}
			paths, err := synth.Write(out, k, n, opts)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %d pairs (%d files) of %s %v to %s\n", len(paths)/2, len(paths), k, shape, out)
			return nil
		},
	}
	cmd.Flags().StringVar(&kind, "kind", "", "semantic, instance, denoise, deblur or labelfree")
	cmd.Flags().StringVar(&out, "out", "", "output folder")
	cmd.Flags().IntVar(&n, "n", 8, "number of pairs")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "random seed (pair i uses seed+i)")
	cmd.Flags().StringVar(&size, "size", "128,128", "Y,X (2D) or Z,Y,X (3D)")
	return cmd
}

// categoryFlag checks a --category value (pair, unpair or embedseg).
func categoryFlag(cmd, v string) (dataset.Category, error) {
	switch c := dataset.Category(v); c {
	case dataset.Pair, dataset.Unpair, dataset.EmbedSeg:
		return c, nil
	}
	return "", &exitError{code: 2, err: fmt.Errorf("%s: --category %q: want pair, unpair or embedseg", cmd, v)}
}

// cacheConfig is the part of a training config `data cache` needs (YAML, the
// data section of an im2im/mmv_im2im config).
type cacheConfig struct {
	Data struct {
		Category      string  `yaml:"category"`
		DataPath      string  `yaml:"data_path"`
		Path          string  `yaml:"path"`
		Train         string  `yaml:"train"`
		Val           string  `yaml:"val"`
		Dims          int     `yaml:"dims"`
		CachePath     string  `yaml:"cache_path"`
		TrainValRatio float64 `yaml:"train_val_ratio"`
		Seed          uint64  `yaml:"seed"`
		Preprocess    []struct {
			Name     string         `yaml:"name"`
			FuncName string         `yaml:"func_name"`
			Params   map[string]any `yaml:"params"`
		} `yaml:"preprocess"`
	} `yaml:"data"`
}

// cacheOptions are the resolved inputs of `data cache`.
type cacheOptions struct {
	spec    dataset.Spec
	store   string
	chain   []transform.Spec
	workers int
	zstd    bool
	collect bool
}

func loadCacheConfig(path string, o *cacheOptions) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var c cacheConfig
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	if err := dec.Decode(&c); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	d := c.Data
	base := filepath.Dir(path)
	rel := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(base, p)
	}
	o.spec = dataset.Spec{Path: rel(d.Path), Train: rel(d.Train), Val: rel(d.Val), Category: dataset.Category(d.Category),
		Dims: d.Dims, ValRatio: d.TrainValRatio, Seed: d.Seed}
	if o.spec.Path == "" {
		o.spec.Path = rel(d.DataPath)
	}
	if o.store == "" {
		o.store = rel(d.CachePath)
	}
	var errs []error
	for i, p := range d.Preprocess {
		switch {
		case p.Name != "":
			o.chain = append(o.chain, transform.Spec{Name: p.Name, Params: p.Params})
		case p.FuncName != "":
			sp, ok, err := monaiSpec(p.FuncName, p.Params)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: data.preprocess[%d]: %w", path, i, err))
			} else if ok {
				o.chain = append(o.chain, sp)
			}
		default:
			errs = append(errs, fmt.Errorf("%s: data.preprocess[%d]: no name or func_name", path, i))
		}
	}
	return errors.Join(errs...)
}

// monaiSpec translates an mmv_im2im preprocess entry (a MONAI func_name and its
// params) with transform.FromMONAI into the spec of our transform; ok is false
// for entries the pipeline does itself (LoadImaged, EnsureTyped, ...). A
// func_name that is not a MONAI transform but one of ours (normalize_zscore,
// ...) is taken as ours.
func monaiSpec(funcName string, params map[string]any) (sp transform.Spec, ok bool, err error) {
	t, err := transform.FromMONAI(funcName, params)
	if err != nil {
		if slices.Contains(transform.Names(), funcName) {
			return transform.Spec{Name: funcName, Params: params}, true, nil
		}
		return sp, false, err
	}
	if t == nil {
		return sp, false, nil
	}
	return transform.Chain{t}.Specs()[0], true, nil
}

func newDataCacheCmd() *cobra.Command {
	flags := &cacheOptions{}
	var config, path, preprocess, category string
	var dims int
	cmd := &cobra.Command{
		Use:   "cache (--config FILE | --path DIR --dims 2|3) [--store DIR]",
		Short: "Pre-build the Pebble patch store for a dataset (deterministic preprocessing only)",
		Long: `Discovers the dataset, checks every file, runs the deterministic prefix of the
preprocessing chain on each subject and stores the result, with a progress bar.
Subjects already stored are skipped; an interrupted build resumes. The config is
YAML with a data section: path (or train/val), category, dims, cache_path,
train_val_ratio, seed and preprocess: a list of {name, params} with im2im
transform names, or of mmv_im2im's {func_name, params} with MONAI dictionary
transforms (NormalizeIntensityd, RandSpatialCropSamplesd, ...), translated to
ours; LoadImaged, EnsureTyped and the like are done by the pipeline and skipped.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o := &cacheOptions{store: flags.store, workers: flags.workers, zstd: flags.zstd, collect: flags.collect}
			if config != "" {
				if err := loadCacheConfig(config, o); err != nil {
					return &exitError{code: 2, err: fmt.Errorf("data cache: %w", err)}
				}
			}
			if path != "" {
				o.spec.Path = path
			}
			if dims != 0 {
				o.spec.Dims = dims
			}
			if category != "" {
				c, err := categoryFlag("data cache", category)
				if err != nil {
					return err
				}
				o.spec.Category = c
			}
			if preprocess != "" {
				for _, n := range strings.Split(preprocess, ",") {
					o.chain = append(o.chain, transform.Spec{Name: strings.TrimSpace(n)})
				}
			}
			if o.spec.Dims != 2 && o.spec.Dims != 3 {
				return &exitError{code: 2, err: errors.New("data cache: dims must be 2 or 3 (--dims or data.dims)")}
			}
			if o.store == "" {
				base := o.spec.Path
				if base == "" {
					base = o.spec.Train
				}
				if st, err := os.Stat(base); err == nil && !st.IsDir() {
					base = filepath.Dir(base)
				}
				o.store = filepath.Join(base, ".im2im_cache")
			}
			return runDataCache(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), o)
		},
	}
	cmd.Flags().StringVar(&config, "config", "", "YAML config with a data section")
	cmd.Flags().StringVar(&path, "path", "", "dataset folder or CSV (overrides the config)")
	cmd.Flags().IntVar(&dims, "dims", 0, "2 or 3 (overrides the config)")
	cmd.Flags().StringVar(&category, "category", "", "pair, unpair or embedseg (overrides the config's data.category; default pair)")
	cmd.Flags().StringVar(&flags.store, "store", "", "store folder (default: data.cache_path, else <data>/.im2im_cache)")
	cmd.Flags().StringVar(&preprocess, "preprocess", "", "comma-separated transform names with default parameters, appended to the config's")
	cmd.Flags().IntVar(&flags.workers, "workers", 2, "parallel subjects")
	cmd.Flags().BoolVar(&flags.zstd, "zstd", false, "compress chunks with zstd")
	cmd.Flags().BoolVar(&flags.collect, "collect", false, "delete stored samples this dataset no longer uses")
	return cmd
}

func runDataCache(ctx context.Context, out, errw io.Writer, o *cacheOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	chain, err := transform.FromSpecs(o.chain)
	if err != nil {
		return &exitError{code: 2, err: fmt.Errorf("data cache: preprocess: %w", err)}
	}
	det, rest := chain.Split()
	if len(rest) > 0 {
		fmt.Fprintf(out, "caching the %d deterministic steps; %d random steps from %s on run every epoch\n", len(det), len(rest), rest[0].Name())
	}
	d, _, err := dataset.Open(o.spec)
	if err != nil {
		return err
	}
	all := d.All()
	jobs, err := dataset.CacheJobs(all, o.spec.Dims, det)
	if err != nil {
		return err
	}
	st, err := store.Open(o.store, store.Options{Compress: o.zstd})
	if err != nil {
		return err
	}
	bar := func(done, total int) {
		const width = 30
		fill := width * done / max(1, total)
		fmt.Fprintf(errw, "\rcache [%s%s] %d/%d", strings.Repeat("#", fill), strings.Repeat(" ", width-fill), done, total)
		if done == total {
			fmt.Fprintln(errw)
		}
	}
	built, berr := st.Build(ctx, jobs, o.workers, bar)
	removed := 0
	if o.collect && berr == nil {
		live := make([]store.Key, len(jobs))
		for i, j := range jobs {
			live[i] = j.Key
		}
		removed, berr = st.Collect(ctx, live)
	}
	cerr := st.Close()
	fmt.Fprintf(out, "store %s: %d subjects (%d train, %d val), %d built now, %d already stored, %d stale removed\n",
		o.store, len(jobs), len(d.Train), len(d.Val), built, len(jobs)-built-countFailed(berr), removed)
	return errors.Join(berr, cerr)
}

// countFailed counts the joined errors of a Build (one per failed subject).
func countFailed(err error) int {
	if err == nil {
		return 0
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return len(j.Unwrap())
	}
	return 1
}

func newDataInfoCmd() *cobra.Command {
	var dims int
	var verbose bool
	var category string
	cmd := &cobra.Command{
		Use:   "info DIR",
		Short: "Describe a patch store (samples, shapes, sizes) or a dataset folder (subjects, roles, shapes, problems)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cat, err := categoryFlag("data info", category)
			if err != nil {
				return err
			}
			return runDataInfo(cmd.OutOrStdout(), args[0], dims, cat, verbose)
		},
	}
	cmd.Flags().IntVar(&dims, "dims", 0, "for a dataset: check files against 2D or 3D")
	cmd.Flags().StringVar(&category, "category", "pair", "for a dataset: pair, unpair (GT files need not match IM ones by name) or embedseg")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "list every sample")
	return cmd
}

// isStore reports whether dir holds a Pebble database.
func isStore(dir string) bool {
	m, _ := filepath.Glob(filepath.Join(dir, "MANIFEST-*"))
	return len(m) > 0
}

func runDataInfo(out io.Writer, dir string, dims int, cat dataset.Category, verbose bool) error {
	if isStore(dir) {
		st, err := store.Open(dir, store.Options{ReadOnly: true})
		if err != nil {
			return err
		}
		defer st.Close()
		inf, err := st.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "patch store %s (format %d)\n", dir, store.FormatVersion)
		fmt.Fprintf(out, "samples: %d complete, %d incomplete (an interrupted build; `data cache` finishes them)\n", inf.Complete, inf.Incomplete)
		fmt.Fprintf(out, "stored:  %.1f MiB of chunks, %.1f MiB on disk\n", float64(inf.ValueBytes)/(1<<20), float64(inf.DiskBytes)/(1<<20))
		shapes := map[string]int{}
		for _, s := range inf.Samples {
			var parts []string
			for _, r := range s.Meta.Roles() {
				a := s.Meta.Arrays[r]
				parts = append(parts, fmt.Sprintf("%s %v chunk %v", r, a.Shape, a.Chunk))
			}
			desc := strings.Join(parts, ", ")
			if s.Meta.Compressed {
				desc += " zstd"
			}
			shapes[desc]++
			if verbose {
				fmt.Fprintf(out, "  %s… %-24s %s\n", string(s.Key)[:12], s.Meta.ID, desc)
			}
		}
		var keys []string
		for k := range shapes {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(out, "  %4d × %s\n", shapes[k], k)
		}
		return nil
	}
	d, infos, cerr := dataset.Open(dataset.Spec{Path: dir, Dims: dims, Category: cat, ValRatio: -1})
	if d == nil || len(d.All()) == 0 {
		// Nothing to describe: the error (it names the path) says why.
		if cerr == nil {
			cerr = fmt.Errorf("dataset %s holds no subjects", dir)
		}
		return fmt.Errorf("data info: %w", cerr)
	}
	fmt.Fprintf(out, "dataset %s (%s): %d subjects, roles %v\n", dir, d.Category, len(d.All()), d.Roles)
	shapes := map[string]int{}
	for _, s := range infos {
		var parts []string
		for _, r := range d.Roles {
			if f, ok := s.Files[r]; ok {
				parts = append(parts, fmt.Sprintf("%s TCZYX %v %s", r, f.Shape, f.DType))
			}
		}
		desc := strings.Join(parts, ", ")
		shapes[desc]++
		if verbose {
			fmt.Fprintf(out, "  %-24s %s\n", s.ID, desc)
		}
	}
	var keys []string
	for k := range shapes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(out, "  %4d × %s\n", shapes[k], k)
	}
	return cerr
}
