package loader

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/im2im/im2im/data/array"
	"github.com/im2im/im2im/data/store"
	"github.com/im2im/im2im/data/transform"
)

// indexed makes n samples whose IM and GT hold id*100000 + voxel index, so any
// patch reveals where it came from and whether IM and GT stayed aligned.
func indexed(n int, shape ...int) Samples {
	var out Samples
	for s := 0; s < n; s++ {
		smp := array.NewSample(fmt.Sprintf("s%03d", s))
		a := array.New(shape...)
		for i := range a.Data {
			a.Data[i] = float32(s*100000 + i)
		}
		smp.Arrays["IM"], smp.Arrays["GT"] = a, a.Clone()
		out = append(out, smp)
	}
	return out
}

func collect(t *testing.T, l *Loader, epoch int) []*Batch {
	t.Helper()
	e := l.Epoch(context.Background(), epoch)
	var out []*Batch
	for {
		b, err := e.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
}

func sameBatches(a, b []*Batch) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !slices.Equal(a[i].IDs, b[i].IDs) {
			return false
		}
		for k, x := range a[i].Arrays {
			if !slices.Equal(x.Shape, b[i].Arrays[k].Shape) || !slices.Equal(x.Data, b[i].Arrays[k].Data) {
				return false
			}
		}
	}
	return true
}

func chain(t *testing.T, specs ...transform.Spec) transform.Chain {
	c, err := transform.FromSpecs(specs)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestEpochCoversAllSamplesInFixedBatches(t *testing.T) {
	src := indexed(10, 1, 8, 8)
	l, err := New(src, Options{BatchSize: 3, Workers: 3, Seed: 1, KeepLast: true,
		Random: chain(t, transform.Spec{Name: "rand_flip"}, transform.Spec{Name: "rand_rot90"})})
	if err != nil {
		t.Fatal(err)
	}
	bs := collect(t, l, 0)
	if len(bs) != 4 || l.Steps() != 4 {
		t.Fatalf("%d batches (Steps %d), want 4", len(bs), l.Steps())
	}
	var ids []string
	for i, b := range bs {
		want := 3
		if i == 3 {
			want = 1
		}
		if b.Size() != want || !slices.Equal(b.Arrays["IM"].Shape, []int{want, 1, 8, 8}) {
			t.Errorf("batch %d: size %d shape %v", i, b.Size(), b.Arrays["IM"].Shape)
		}
		if !slices.Equal(b.Arrays["IM"].Data, b.Arrays["GT"].Data) {
			t.Errorf("batch %d: IM and GT no longer aligned", i)
		}
		for j, id := range b.IDs {
			// The patch's values must all come from sample id.
			v := int(b.Arrays["IM"].Data[j*64]) / 100000
			if fmt.Sprintf("s%03d", v) != id {
				t.Errorf("batch %d item %d labelled %s holds data of s%03d", i, j, id, v)
			}
		}
		ids = append(ids, b.IDs...)
	}
	sorted := slices.Clone(ids)
	sort.Strings(sorted)
	for i, id := range sorted {
		if id != fmt.Sprintf("s%03d", i) {
			t.Fatalf("epoch ids %v: not each sample once", sorted)
		}
	}
	if slices.IsSorted(ids) {
		t.Error("epoch is not shuffled")
	}
	l2, _ := New(src, Options{BatchSize: 3, Seed: 1})
	if n := len(collect(t, l2, 0)); n != 3 || l2.Steps() != 3 {
		t.Errorf("drop-last gave %d batches (Steps %d), want 3", n, l2.Steps())
	}
}

func TestSameSeedSameBatches(t *testing.T) {
	src := indexed(9, 1, 12, 12)
	opts := func(workers int, seed uint64) Options {
		return Options{BatchSize: 4, Workers: workers, Seed: seed, Random: chain(t,
			transform.Spec{Name: "rand_crop_samples", Params: map[string]any{"size": []any{6, 6}, "num_samples": 2}},
			transform.Spec{Name: "rand_flip"},
			transform.Spec{Name: "rand_gaussian_noise", Params: map[string]any{"std": 0.5}})}
	}
	l1, _ := New(src, opts(1, 7))
	l4, _ := New(src, opts(4, 7))
	a, b := collect(t, l1, 3), collect(t, l4, 3)
	if len(a) != 4 || !sameBatches(a, b) {
		t.Fatalf("1 worker and 4 workers disagree (%d vs %d batches)", len(a), len(b))
	}
	if sameBatches(a, collect(t, l1, 4)) {
		t.Error("epochs 3 and 4 are identical")
	}
	l9, _ := New(src, opts(2, 8))
	if sameBatches(a, collect(t, l9, 3)) {
		t.Error("seeds 7 and 8 are identical")
	}
	if !slices.Equal(a[0].Arrays["IM"].Shape, []int{4, 1, 6, 6}) {
		t.Errorf("patch batch shape %v", a[0].Arrays["IM"].Shape)
	}
}

func TestLoaderErrors(t *testing.T) {
	src := indexed(4, 1, 8, 8)
	src[2].Arrays["IM"] = array.New(1, 8, 9)
	src[2].Arrays["GT"] = array.New(1, 8, 9)
	l, _ := New(src, Options{BatchSize: 4, NoShuffle: true})
	e := l.Epoch(context.Background(), 0)
	_, err := e.Next()
	if err == nil || !strings.Contains(err.Error(), "s002") || !strings.Contains(err.Error(), "[1 8 9]") {
		t.Errorf("unequal shapes: %v", err)
	}
	bad := Func{N: 5, Fn: func(i int) (*array.Sample, error) {
		if i == 3 {
			return nil, errors.New("cannot decode x_IM.tiff")
		}
		return indexed(1, 1, 4, 4)[0], nil
	}}
	l, _ = New(bad, Options{BatchSize: 1, NoShuffle: true})
	e = l.Epoch(context.Background(), 0)
	for {
		_, err = e.Next()
		if err != nil {
			break
		}
	}
	if err == io.EOF || !strings.Contains(err.Error(), "x_IM.tiff") {
		t.Errorf("source error: %v", err)
	}
	if _, err := New(Samples{}, Options{}); err == nil {
		t.Error("empty source accepted")
	}
	if _, err := New(src, Options{Random: transform.Chain{&transform.RandFlip{Prob: 3}}}); err == nil {
		t.Error("invalid transform accepted")
	}
}

func TestEarlyCloseStopsGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	l, _ := New(indexed(50, 1, 16, 16), Options{BatchSize: 2, Workers: 4})
	for i := 0; i < 5; i++ {
		e := l.Epoch(context.Background(), i)
		if _, err := e.Next(); err != nil {
			t.Fatal(err)
		}
		e.Close()
	}
	ctx, cancel := context.WithCancel(context.Background())
	e := l.Epoch(ctx, 9)
	e.Next()
	cancel()
	for {
		_, err := e.Next()
		if err == nil {
			continue
		}
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled epoch ended with %v, want context.Canceled", err)
		}
		break
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines left running (started with %d)", n, before)
	}
}

// TestStoreRegionsMatchWholeSamples runs the same crop chain once over whole
// in-memory samples and once over the store, where only patches are read: the
// batches must be identical, and the store must have read fewer chunks than a
// whole-volume read would.
func TestStoreRegionsMatchWholeSamples(t *testing.T) {
	src := indexed(6, 1, 16, 96, 96)
	st, err := store.Open(t.TempDir(), store.Options{WholeBelow: 4096, Chunk3D: []int{8, 16, 16}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var keys []store.Key
	for i, s := range src {
		k := store.SampleKey(map[string]store.FileID{"IM": {Path: fmt.Sprint(i)}}, "", "")
		if err := st.Put(k, s); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	ss, err := NewStoreSource(st, keys)
	if err != nil {
		t.Fatal(err)
	}
	o := Options{BatchSize: 3, Workers: 2, Seed: 5, Random: chain(t,
		transform.Spec{Name: "rand_crop_samples", Params: map[string]any{"size": []any{8, 16, 16}, "num_samples": 3}},
		transform.Spec{Name: "rand_flip"})}
	lm, _ := New(src, o)
	ls, _ := New(ss, o)
	before := st.ChunksRead()
	a, b := collect(t, lm, 0), collect(t, ls, 0)
	read := st.ChunksRead() - before
	if len(a) != 6 {
		t.Fatalf("%d batches, want 6", len(a))
	}
	for i := range b { // store samples carry the stored ID; compare data only
		b[i].IDs = a[i].IDs
	}
	if !sameBatches(a, b) {
		t.Fatal("store region reads differ from cropping whole samples")
	}
	whole := int64(6 * 2 * 2 * 6 * 6) // samples × roles × chunks per volume
	if read >= whole {
		t.Errorf("store read %d chunks for patches; whole volumes are %d", read, whole)
	}
	t.Logf("patch reads touched %d chunks (whole volumes: %d)", read, whole)
	if _, err := NewStoreSource(st, []store.Key{keys[0], store.SampleKey(nil, "missing", "")}); err == nil || !strings.Contains(err.Error(), "1 of 2") {
		t.Errorf("missing key: %v", err)
	}
}

func TestSmartCache(t *testing.T) {
	src := indexed(20, 1, 4, 4)
	c, err := NewSmartCache(src, 0.25, 0.4, 3, 11)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for epoch := 0; epoch < 30; epoch++ {
		m := c.Members(epoch)
		if len(m) != 5 {
			t.Fatalf("epoch %d: %d members, want 5", epoch, len(m))
		}
		if epoch%3 != 0 && !slices.Equal(m, c.Members(epoch-1)) {
			t.Errorf("epoch %d: members changed within a round", epoch)
		}
		if epoch%3 == 0 && epoch > 0 {
			prev := c.Members(epoch - 1)
			kept := 0
			for _, i := range m {
				if slices.Contains(prev, i) {
					kept++
				}
			}
			if kept != 3 { // replace ceil(0.4*5) = 2
				t.Errorf("epoch %d: kept %d of 5, want 3", epoch, kept)
			}
		}
		for _, i := range m {
			seen[i] = true
		}
	}
	if len(seen) != 20 {
		t.Errorf("30 epochs visited %d of 20 samples", len(seen))
	}
	l, err := NewCached(c, Options{BatchSize: 5, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for epoch := 0; epoch < 7; epoch++ {
		bs := collect(t, l, epoch)
		if len(bs) != 1 {
			t.Fatalf("epoch %d: %d batches", epoch, len(bs))
		}
		var want []string
		for _, i := range c.Members(epoch) {
			want = append(want, src[i].ID)
		}
		got := slices.Clone(bs[0].IDs)
		sort.Strings(got)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Errorf("epoch %d: batch %v, cached %v", epoch, got, want)
		}
		if c.Cached() > 5 {
			t.Errorf("epoch %d: %d samples in memory, cache holds 5", epoch, c.Cached())
		}
	}
	if _, err := NewSmartCache(src, 0, 0.5, 1, 0); err == nil {
		t.Error("fraction 0 accepted")
	}
}
