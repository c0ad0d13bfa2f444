package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/im2im/im2im/data/dataset"
	"github.com/im2im/im2im/data/loader"
	"github.com/im2im/im2im/data/store"
	"github.com/im2im/im2im/data/synth"
	"github.com/im2im/im2im/data/transform"
	"github.com/im2im/im2im/stdlib/im2im"
	"github.com/spf13/cobra"
)

// newDataCmd builds the data command group: synth, cache, info. Each call
// makes fresh flag state (tests run several invocations in one process).
func newDataCmd() *cobra.Command {
	c := commandGroup(&cobra.Command{
		Use:   "data",
		Short: "Data tools: generate synthetic pairs, pre-build the patch store, inspect stores and datasets",
	})
	c.AddCommand(newDataSynthCmd(), newDataCacheCmd(), newDataInfoCmd())
	return c
}

// newDataSynthCmd builds `im2im data synth`.
func newDataSynthCmd() *cobra.Command {
	var kind, out, size string
	var n int
	var seed uint64
	cmd := &cobra.Command{
		Use:   "synth --kind K --out DIR [--n N] [--seed S] [--size 128,128 | 32,128,128]",
		Short: "Write synthetic OME-TIFF pairs (X_IM / X_GT) into a folder",
		Long: "Writes N synthetic pairs named <kind>_<i>_IM.ome.tiff / _GT.ome.tiff, a ready dataset folder.\nKinds:\n  " +
			strings.Join(synth.Kinds(), "\n  ") + "\n--size gives Y,X for 2D or Z,Y,X for 3D.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if kind == "" {
				return badf("data synth: --kind is required:\n  %s", strings.Join(synth.Kinds(), "\n  "))
			}
			k, err := synth.ParseKind(kind)
			if err != nil {
				return badInput(err)
			}
			if out == "" {
				return badf("data synth: --out DIR is required")
			}
			shape, err := parseInts(size)
			if err != nil {
				return badf("data synth: --size: %w", err)
			}
			opts := synth.Options{Shape: shape, Seed: seed}
			if err := opts.Check(); err != nil {
				return badf("data synth: --size %s: %w", size, err)
			}
			if n < 1 {
				return badf("data synth: --n %d: want at least 1 pair", n)
			}
			paths, err := synth.Write(out, k, n, opts)
			if err != nil {
				return badIfPath(fmt.Errorf("data synth: --out %s: %w", out, err))
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %d pairs (%d files) of %s %v to %s\n", len(paths)/2, len(paths), k, shape, out)
			return nil
		},
	}
	cmd.Flags().StringVar(&kind, "kind", "", "semantic, instance, denoise, deblur, labelfree, stain or unpaired")
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
	return "", badf("%s: --category %q: want pair, unpair or embedseg", cmd, v)
}

// cacheOptions are the resolved inputs of `data cache --path` (no config).
type cacheOptions struct {
	spec    dataset.Spec
	store   string
	chain   []transform.Spec
	workers int
	zstd    bool
	collect bool
}

const dataCacheLong = `Pre-builds the Pebble patch store: discovers the dataset, checks every file, runs
the deterministic part of the preprocessing on each subject and stores the result,
with a progress bar on stderr. Subjects already stored are skipped; an interrupted
build resumes.

With -c, the config is a training config (a YAML file or a preset name, exactly as
for im2im train, with the same --section.key=value overrides): the store built is
the one training with that config reads (data.store, default <trainer.root>/.store;
data.normalize and data.preprocess cached; the same train/val split), so a later
im2im train -c finds every sample stored. The config is validated as training does.

Without -c, --path DIR --dims 2|3 [--category C] [--preprocess a,b] [--store DIR]
caches an ad-hoc chain of transforms with default parameters (default store
<data>/.im2im_cache); training reads it only if its chain is the same.

Entries of this dataset's files that were modified or deleted since they were
stored are always removed (training does the same); --collect also removes this
dataset's entries made with another preprocessing chain. Other datasets' entries
in the same store are kept.
An mmv_im2im config given with -c is converted first (see im2im config convert).

Options: -c/--config FILE|PRESET, --workers N (build parallelism), --zstd
(compress chunks), --collect, --path, --dims, --category, --preprocess, --store.`

// newDataCacheCmd builds `im2im data cache` (its own parsing of dotted overrides).
func newDataCacheCmd() *cobra.Command {
	return &cobra.Command{
		Use:                "cache (-c CONFIG.yaml|PRESET [--section.key=value ...] | --path DIR --dims 2|3) [--workers N] [--zstd] [--collect]",
		Short:              "Pre-build the Pebble patch store that training reads (deterministic preprocessing only)",
		Long:               dataCacheLong,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := parseDottedSwitches(args, []string{"zstd", "collect"}, "config", "workers", "path", "dims", "category", "preprocess", "store")
			if err != nil {
				return badf("data cache: %w", err)
			}
			if a.help {
				return cmd.Help()
			}
			o := &cacheOptions{workers: 2, store: a.named["store"]}
			for _, sw := range []struct {
				name string
				v    *bool
			}{{"zstd", &o.zstd}, {"collect", &o.collect}} {
				if v, ok := a.named[sw.name]; ok {
					b, err := strconv.ParseBool(v)
					if err != nil {
						return badf("data cache: --%s=%s: want true or false", sw.name, v)
					}
					*sw.v = b
				}
			}
			if v, ok := a.named["workers"]; ok {
				n, err := strconv.Atoi(v)
				if err != nil || n < 1 {
					return badf("data cache: --workers %s: want a positive integer", v)
				}
				o.workers = n
				if a.named["config"] != "" {
					a.overrides = append(a.overrides, "data.workers="+v)
				}
			}
			if a.named["config"] != "" {
				for _, n := range []string{"path", "dims", "category", "preprocess", "store"} {
					if _, ok := a.named[n]; ok {
						return badf("data cache: --%s does not go with -c: override the config instead (--data.%s=...)", n, n)
					}
				}
				return runDataCacheConfig(cmd, a, o)
			}
			if len(a.overrides) > 0 {
				return badf("data cache: %s: dotted overrides need -c CONFIG", a.overrides[0])
			}
			o.spec.Path = a.named["path"]
			if v, ok := a.named["dims"]; ok {
				if o.spec.Dims, err = strconv.Atoi(v); err != nil {
					return badf("data cache: --dims %s: want 2 or 3", v)
				}
			}
			if v, ok := a.named["category"]; ok {
				c, err := categoryFlag("data cache", v)
				if err != nil {
					return err
				}
				o.spec.Category = c
			}
			if v := a.named["preprocess"]; v != "" {
				for _, n := range strings.Split(v, ",") {
					o.chain = append(o.chain, transform.Spec{Name: strings.TrimSpace(n)})
				}
			}
			if o.spec.Path == "" {
				return badf("data cache: give -c CONFIG (a training config or preset) or --path DIR --dims 2|3")
			}
			if o.spec.Dims != 2 && o.spec.Dims != 3 {
				return badf("data cache: dims must be 2 or 3 (--dims)")
			}
			if o.store == "" {
				base := o.spec.Path
				if st, err := os.Stat(base); err == nil && !st.IsDir() {
					base = filepath.Dir(base)
				}
				o.store = filepath.Join(base, ".im2im_cache")
			}
			return runDataCache(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), o)
		},
	}
}

// runDataCacheConfig builds the store of a training config (-c) with
// im2im.PrepareStore, the pipeline training uses.
func runDataCacheConfig(cmd *cobra.Command, a dottedArgs, o *cacheOptions) error {
	c, err := loadCLIConfig(a)
	if err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return badInput(err)
	}
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	rep, err := im2im.PrepareStore(ctx, c, im2im.PrepareOptions{Compress: o.zstd, Collect: o.collect, Progress: store.TextProgress(cmd.ErrOrStderr(), "cache")})
	if err != nil {
		return badIfInvalid(err)
	}
	out := cmd.OutOrStdout()
	fmt.Fprintf(out, "caching %d deterministic steps %v; %d random steps %v run every epoch\n", len(rep.Cached), rep.Cached, len(rep.Random), rep.Random)
	fmt.Fprintf(out, "store %s: %d subjects (%d train, %d val), %d built now, %d already stored, %d stale removed\n",
		rep.Store, rep.Train+rep.Val, rep.Train, rep.Val, rep.Built, rep.Reused, rep.Removed)
	return nil
}

// runDataCache builds the ad-hoc store of `data cache --path` (no config).
func runDataCache(ctx context.Context, out, errw io.Writer, o *cacheOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	chain, err := transform.FromSpecs(o.chain)
	if err != nil {
		return badf("data cache: preprocess: %w", err)
	}
	det, rest := chain.Split()
	if len(rest) > 0 {
		fmt.Fprintf(out, "caching the %d deterministic steps; %d random steps from %s on run every epoch\n", len(det), len(rest), rest[0].Name())
	}
	p, err := loader.Prepare(ctx, loader.PipelineConfig{Spec: o.spec, Chain: chain, StoreDir: o.store, Workers: o.workers,
		Compress: o.zstd, Collect: o.collect, Progress: store.TextProgress(errw, "cache")})
	if err != nil {
		return badIfInvalid(err)
	}
	fmt.Fprintf(out, "store %s: %d subjects (%d train, %d val), %d built now, %d already stored, %d stale removed\n",
		o.store, p.Built+p.Reused, len(p.Dataset.Train), len(p.Dataset.Val), p.Built, p.Reused, p.Removed)
	return p.Close()
}

// newDataInfoCmd builds `im2im data info`.
func newDataInfoCmd() *cobra.Command {
	var dims int
	var verbose bool
	var category string
	cmd := &cobra.Command{
		Use:   "info DIR",
		Short: "Describe a patch store (samples, shapes, sizes) or a dataset folder (subjects, roles, shapes, problems)",
		Args:  exactArgs(1),
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

// runDataInfo describes a patch store or a dataset folder.
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
			return badf("data info: dataset %s holds no subjects", dir)
		}
		return badIfInvalid(fmt.Errorf("data info: %w", cerr))
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
	return badIfInvalid(cerr)
}
