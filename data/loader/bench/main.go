// Command bench measures the data pipeline side by side on one machine (a
// benchmark, not a test): patches/s for 3D 32×128×128 samples (IM + GT, float32)
// read (a) by decoding OME-TIFF files every time, (b) from the Pebble patch store
// (raw and zstd), (c) from one raw file per patch; then batches/s of the loader
// (store source, random 32×64×64 crops + flips, batch 2, the reference 3D
// training step's shape) against a training step time.
//
//	go run ./data/loader/bench [-n 32] [-reps 3] [-workers 2] [-step 1.04]
//
// All files are written to a temporary folder first, so reads come from the
// page cache (warm): the numbers compare decoding and lookup costs, not disks.
package main

import (
	"context"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/im2im/im2im/data/array"
	"github.com/im2im/im2im/data/imageio"
	"github.com/im2im/im2im/data/loader"
	"github.com/im2im/im2im/data/store"
	"github.com/im2im/im2im/data/synth"
	"github.com/im2im/im2im/data/transform"
)

func main() {
	n := flag.Int("n", 32, "number of 32×128×128 samples")
	reps := flag.Int("reps", 3, "passes per method (the median is reported)")
	workers := flag.Int("workers", 2, "loader workers")
	step := flag.Float64("step", 1.04, "training step time in seconds to compare the loader with (default: PyTorch CPU, 3D 2×1×32×64×64, DESIGN.md)")
	keep := flag.String("dir", "", "work folder (default: a temporary one, removed at the end)")
	flag.Parse()
	if err := run(os.Stdout, *n, *reps, *workers, *step, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(w io.Writer, n, reps, workers int, step float64, dir string) error {
	if dir == "" {
		d, err := os.MkdirTemp("", "im2im-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	shape := []int{32, 128, 128}
	fmt.Fprintf(w, "generating %d synthetic denoise pairs %v ...\n", n, shape)
	samples := make([]*array.Sample, n)
	for i := range samples {
		s, err := synth.Generate(synth.Denoise, synth.Options{Shape: shape, Seed: uint64(i)})
		if err != nil {
			return err
		}
		samples[i] = s
	}
	patchBytes := float64(samples[0].Bytes())

	// (a) OME-TIFF, uncompressed and deflate.
	tiffDirs := map[string]string{}
	for _, comp := range []string{"none", "deflate"} {
		d := filepath.Join(dir, "tiff-"+comp)
		os.MkdirAll(d, 0o755)
		for i, s := range samples {
			for _, r := range []string{"IM", "GT"} {
				a := s.Arrays[r]
				img, _ := imageio.FromFloat32(a.Data, "CZYX", a.Shape...)
				p := filepath.Join(d, fmt.Sprintf("s%03d_%s.ome.tiff", i, r))
				if err := imageio.WriteOMETIFF(p, img, imageio.WriteMeta{}, imageio.WriteOptions{Compression: comp}); err != nil {
					return err
				}
			}
		}
		tiffDirs[comp] = d
	}
	readTIFF := func(d string) func(i int) error {
		return func(i int) error {
			for _, r := range []string{"IM", "GT"} {
				if _, _, _, err := imageio.ReadFloat32(filepath.Join(d, fmt.Sprintf("s%03d_%s.ome.tiff", i, r)), imageio.Selection{Dims: "CZYX", T: imageio.At(0)}); err != nil {
					return err
				}
			}
			return nil
		}
	}

	// (b) Pebble store, raw and zstd chunks.
	stores := map[string]*store.Store{}
	keys := make([]store.Key, n)
	for i := range keys {
		keys[i] = store.SampleKey(map[string]store.FileID{"IM": {Path: fmt.Sprint(i)}}, "bench", "")
	}
	for _, z := range []bool{false, true} {
		name := map[bool]string{false: "raw", true: "zstd"}[z]
		st, err := store.Open(filepath.Join(dir, "store-"+name), store.Options{Compress: z})
		if err != nil {
			return err
		}
		defer st.Close()
		t0 := time.Now()
		for i, s := range samples {
			if err := st.Put(keys[i], s); err != nil {
				return err
			}
		}
		if err := st.Flush(); err != nil {
			return err
		}
		fmt.Fprintf(w, "store %-4s written: %.0f samples/s\n", name, float64(n)/time.Since(t0).Seconds())
		stores[name] = st
	}
	readStore := func(st *store.Store) func(i int) error {
		return func(i int) error { _, err := st.Get(keys[i]); return err }
	}

	// (c) one raw float32 file per patch and role.
	rawDir := filepath.Join(dir, "files")
	os.MkdirAll(rawDir, 0o755)
	for i, s := range samples {
		for _, r := range []string{"IM", "GT"} {
			b := make([]byte, 0, s.Arrays[r].Bytes())
			for _, v := range s.Arrays[r].Data {
				b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
			}
			if err := os.WriteFile(filepath.Join(rawDir, fmt.Sprintf("s%03d_%s.f32", i, r)), b, 0o644); err != nil {
				return err
			}
		}
	}
	readRaw := func(i int) error {
		for _, r := range []string{"IM", "GT"} {
			b, err := os.ReadFile(filepath.Join(rawDir, fmt.Sprintf("s%03d_%s.f32", i, r)))
			if err != nil {
				return err
			}
			a := array.New(1, 32, 128, 128)
			for j := range a.Data {
				a.Data[j] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*j:]))
			}
		}
		return nil
	}

	fmt.Fprintf(w, "\nreading %d patches 1×32×128×128 (IM + GT = %.1f MiB each), median of %d passes, 1 goroutine\n", n, patchBytes/(1<<20), reps)
	fmt.Fprintf(w, "%-34s %12s %10s\n", "source", "patches/s", "MiB/s")
	for _, m := range []struct {
		name string
		read func(int) error
	}{
		{"(a) OME-TIFF decode, uncompressed", readTIFF(tiffDirs["none"])},
		{"(a) OME-TIFF decode, deflate", readTIFF(tiffDirs["deflate"])},
		{"(b) Pebble store, raw chunks", readStore(stores["raw"])},
		{"(b) Pebble store, zstd chunks", readStore(stores["zstd"])},
		{"(c) one raw file per patch", readRaw},
	} {
		rate, err := measure(n, reps, m.read)
		if err != nil {
			return fmt.Errorf("%s: %w", m.name, err)
		}
		fmt.Fprintf(w, "%-34s %12.1f %10.0f\n", m.name, rate, rate*patchBytes/(1<<20))
	}

	if err := bigVolumes(w, dir, reps); err != nil {
		return err
	}

	// Loader: store source, random 32×64×64 crops (2 per sample) + flips, batch 2.
	src, err := loader.NewStoreSource(stores["raw"], keys)
	if err != nil {
		return err
	}
	chain := transform.Chain{&transform.RandCropSamples{Size: []int{32, 64, 64}, N: 2, LabelKey: "GT"}, &transform.RandFlip{Prob: 0.5}}
	l, err := loader.New(src, loader.Options{BatchSize: 2, Workers: workers, Seed: 1, Random: chain})
	if err != nil {
		return err
	}
	var rates []float64
	for r := 0; r < reps; r++ {
		t0 := time.Now()
		e := l.Epoch(context.Background(), r)
		count := 0
		for {
			_, err := e.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
			count++
		}
		rates = append(rates, float64(count)/time.Since(t0).Seconds())
	}
	lr := median(rates)
	fmt.Fprintf(w, "\nloader: store → crop 32×64×64 ×2 → flip → batch 2×1×32×64×64, %d workers: %.1f batches/s (memory bound %.1f MiB)\n",
		workers, lr, float64(l.MemoryBound())/(1<<20))
	fmt.Fprintf(w, "training step %.3g s → %.2f steps/s; loader/step rate = %.0f× (goal ≥ 10×)\n", step, 1/step, lr*step)
	return nil
}

// measure returns the median over reps passes of samples read per second.
func measure(n, reps int, read func(int) error) (float64, error) {
	var rates []float64
	for r := 0; r < reps; r++ {
		t0 := time.Now()
		for i := 0; i < n; i++ {
			if err := read(i); err != nil {
				return 0, err
			}
		}
		rates = append(rates, float64(n)/time.Since(t0).Seconds())
	}
	return median(rates), nil
}

func median(v []float64) float64 {
	sort.Float64s(v)
	return v[len(v)/2]
}

// bigVolumes compares random 32×128×128 patch reads from large volumes
// (2 × 64×256×256, IM + GT): OME-TIFF selection reads (only the pages and strips
// the patch touches are decoded) against store region reads (only the chunks
// it overlaps).
func bigVolumes(w io.Writer, dir string, reps int) error {
	const nv = 2
	vol := []int{64, 256, 256}
	patch := []int{32, 128, 128}
	fmt.Fprintf(w, "\nrandom %v patches from %d volumes %v (IM + GT), median of %d passes of 32 patches\n", patch, nv, vol, reps)
	st, err := store.Open(filepath.Join(dir, "store-big"), store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	keys := make([]store.Key, nv)
	paths := make([][2]string, nv)
	for v := 0; v < nv; v++ {
		s, err := synth.Generate(synth.Denoise, synth.Options{Shape: vol, Seed: uint64(100 + v)})
		if err != nil {
			return err
		}
		keys[v] = store.SampleKey(map[string]store.FileID{"IM": {Path: fmt.Sprint("big", v)}}, "bench", "")
		if err := st.Put(keys[v], s); err != nil {
			return err
		}
		for j, r := range []string{"IM", "GT"} {
			a := s.Arrays[r]
			img, _ := imageio.FromFloat32(a.Data, "CZYX", a.Shape...)
			paths[v][j] = filepath.Join(dir, fmt.Sprintf("big%d_%s.ome.tiff", v, r))
			if err := imageio.WriteOMETIFF(paths[v][j], img, imageio.WriteMeta{}, imageio.WriteOptions{Compression: "none"}); err != nil {
				return err
			}
		}
	}
	if err := st.Flush(); err != nil {
		return err
	}
	starts := func(i int) (int, []int) {
		return i % nv, []int{(i * 7) % (vol[0] - patch[0] + 1), (i * 37) % (vol[1] - patch[1] + 1), (i * 61) % (vol[2] - patch[2] + 1)}
	}
	fmt.Fprintf(w, "%-34s %12s\n", "source", "patches/s")
	for _, m := range []struct {
		name string
		read func(int) error
	}{
		{"OME-TIFF selection read", func(i int) error {
			v, s0 := starts(i)
			for j := 0; j < 2; j++ {
				_, _, _, err := imageio.ReadFloat32(paths[v][j], imageio.Selection{Dims: "CZYX", T: imageio.At(0),
					Z: imageio.Range(s0[0], s0[0]+patch[0]), Y: imageio.Range(s0[1], s0[1]+patch[1]), X: imageio.Range(s0[2], s0[2]+patch[2])})
				if err != nil {
					return err
				}
			}
			return nil
		}},
		{"Pebble store region read", func(i int) error {
			v, s0 := starts(i)
			_, err := st.Region(keys[v], s0, patch)
			return err
		}},
	} {
		rate, err := measure(32, reps, m.read)
		if err != nil {
			return fmt.Errorf("%s: %w", m.name, err)
		}
		fmt.Fprintf(w, "%-34s %12.1f\n", m.name, rate)
	}
	return nil
}
