package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"

	"github.com/im2im/im2im/data/array"
)

// testSample makes a reproducible sample with IM (random floats, C channels) and
// GT (a sparse label image) of the given spatial shape.
func testSample(id string, seed uint64, c int, sp ...int) *array.Sample {
	r := rand.New(rand.NewPCG(seed, 42))
	s := array.NewSample(id)
	im := array.New(append([]int{c}, sp...)...)
	for i := range im.Data {
		im.Data[i] = r.Float32()*100 - 50
	}
	gt := array.New(append([]int{1}, sp...)...)
	for i := range gt.Data {
		if r.IntN(50) == 0 {
			gt.Data[i] = float32(1 + r.IntN(3))
		}
	}
	s.Arrays["IM"], s.Arrays["GT"] = im, gt
	return s
}

func keyOf(name string) Key {
	return SampleKey(map[string]FileID{"IM": {Path: "/x/" + name, Size: 1, ModTime: 2}}, "chain", "")
}

func sameSample(t *testing.T, what string, got, want *array.Sample) {
	t.Helper()
	if !slices.Equal(got.Keys(), want.Keys()) {
		t.Fatalf("%s: keys %v want %v", what, got.Keys(), want.Keys())
	}
	for _, k := range want.Keys() {
		g, w := got.Arrays[k], want.Arrays[k]
		if !slices.Equal(g.Shape, w.Shape) || !slices.Equal(g.Data, w.Data) {
			t.Fatalf("%s: %s differs (shape %v vs %v)", what, k, g.Shape, w.Shape)
		}
	}
}

func TestPutGetRegion(t *testing.T) {
	cases := []struct {
		name     string
		sp       []int
		compress bool
		chunked  bool
	}{
		{"2D small", []int{40, 50}, false, false},
		{"2D chunked zstd", []int{70, 90}, true, true},
		{"3D small zstd", []int{6, 20, 30}, true, false},
		{"3D chunked", []int{20, 33, 47}, false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := Options{Compress: tc.compress, Chunk2D: []int{32, 32}, Chunk3D: []int{8, 16, 16}}
			if tc.chunked {
				o.WholeBelow = 1024
			}
			s, err := Open(t.TempDir(), o)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			smp := testSample("a", 1, 2, tc.sp...)
			k := keyOf(tc.name)
			if err := s.Put(k, smp); err != nil {
				t.Fatal(err)
			}
			got, err := s.Get(k)
			if err != nil {
				t.Fatal(err)
			}
			sameSample(t, "Get", got, smp)
			m, _ := s.Meta(k)
			g, _ := newGrid(m.Arrays["IM"].Shape, m.Arrays["IM"].Chunk)
			if tc.chunked != (g.total() > 1) {
				t.Fatalf("chunked=%v but %d chunks", tc.chunked, g.total())
			}
			fg, err := s.Foreground(k)
			if err != nil || len(fg) == 0 || len(fg) != m.Foreground {
				t.Errorf("foreground coordinates for GT: %d (meta %d), %v", len(fg), m.Foreground, err)
			}
			for _, c := range fg {
				idx := 0
				for ax, v := range c {
					idx = idx*tc.sp[ax] + v
				}
				if smp.Arrays["GT"].Data[idx] == 0 {
					t.Fatalf("foreground coordinate %v is background", c)
				}
			}
			r := rand.New(rand.NewPCG(9, 9))
			for n := 0; n < 20; n++ {
				start, size := make([]int, len(tc.sp)), make([]int, len(tc.sp))
				for i, d := range tc.sp {
					size[i] = 1 + r.IntN(d)
					start[i] = r.IntN(d - size[i] + 1)
				}
				before := s.ChunksRead()
				reg, err := s.Region(k, start, size)
				if err != nil {
					t.Fatal(err)
				}
				read := s.ChunksRead() - before
				want := array.NewSample("a")
				for key, a := range smp.Arrays {
					c, _ := a.Crop(append([]int{0}, start...), append([]int{a.Shape[0]}, size...))
					want.Arrays[key] = c
				}
				sameSample(t, fmt.Sprintf("Region %v %v", start, size), reg, want)
				if wantRead := int64(2 * len(g.overlapping(start, size))); read != wantRead {
					t.Errorf("Region %v %v read %d chunks, want %d (of %d per array)", start, size, read, wantRead, g.total())
				}
			}
			if _, err := s.Region(k, make([]int, len(tc.sp)), append([]int{1000}, tc.sp[1:]...)); err == nil || !strings.Contains(err.Error(), "leaves sample a") {
				t.Errorf("out-of-range region: %v", err)
			}
		})
	}
}

func TestSampleKey(t *testing.T) {
	base := map[string]FileID{"IM": {"/d/a_IM.tiff", 10, 100}, "GT": {"/d/a_GT.tiff", 20, 200}}
	k := SampleKey(base, "c1", "")
	if err := validKey(k); err != nil {
		t.Fatal(err)
	}
	if SampleKey(map[string]FileID{"GT": base["GT"], "IM": base["IM"]}, "c1", "") != k {
		t.Error("key depends on map order")
	}
	variants := map[string]Key{
		"path":  SampleKey(map[string]FileID{"IM": {"/d/b_IM.tiff", 10, 100}, "GT": base["GT"]}, "c1", ""),
		"size":  SampleKey(map[string]FileID{"IM": {"/d/a_IM.tiff", 11, 100}, "GT": base["GT"]}, "c1", ""),
		"mtime": SampleKey(map[string]FileID{"IM": {"/d/a_IM.tiff", 10, 101}, "GT": base["GT"]}, "c1", ""),
		"role":  SampleKey(map[string]FileID{"IM": base["IM"], "CM": base["GT"]}, "c1", ""),
		"chain": SampleKey(base, "c2", ""),
		"extra": SampleKey(base, "c1", "seed=2"),
	}
	for what, v := range variants {
		if v == k {
			t.Errorf("changing the %s does not change the key", what)
		}
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "f.tiff")
	os.WriteFile(p, []byte("abc"), 0o644)
	id, err := Identify(p)
	if err != nil || id.Size != 3 || id.Path != p {
		t.Errorf("Identify = %+v, %v", id, err)
	}
	time.Sleep(10 * time.Millisecond)
	os.WriteFile(p, []byte("abd"), 0o644)
	os.Chtimes(p, time.Now().Add(time.Second), time.Now().Add(time.Second))
	id2, _ := Identify(p)
	if id2 == id {
		t.Error("rewritten file has the same identity")
	}
	if _, err := Identify(filepath.Join(dir, "missing.tiff")); err == nil || !strings.Contains(err.Error(), "missing.tiff") {
		t.Errorf("missing file: %v", err)
	}
}

func TestBuildCollectInfo(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{Compress: true})
	if err != nil {
		t.Fatal(err)
	}
	var loads sync.Map
	var jobs []Job
	for i := 0; i < 12; i++ {
		i := i
		id := fmt.Sprintf("s%02d", i)
		jobs = append(jobs, Job{Key: keyOf(id), ID: id, Load: func() (*array.Sample, error) {
			n, _ := loads.LoadOrStore(id, new(int))
			*n.(*int)++
			if i == 3 || i == 7 {
				return nil, fmt.Errorf("cannot read %s_IM.tiff", id)
			}
			return testSample(id, uint64(i), 1, 8, 16, 16), nil
		}})
	}
	var last [2]int
	built, err := s.Build(context.Background(), jobs, 3, func(d, n int) { last = [2]int{d, n} })
	if built != 10 || err == nil || !strings.Contains(err.Error(), "s03_IM.tiff") || !strings.Contains(err.Error(), "s07_IM.tiff") {
		t.Fatalf("Build = %d, %v; want 10 built and both failures listed", built, err)
	}
	if last != [2]int{12, 12} {
		t.Errorf("last progress %v", last)
	}
	built, _ = s.Build(context.Background(), jobs, 2, nil)
	if built != 0 {
		t.Errorf("rebuild built %d samples, want 0 (only the 2 failing ones are retried)", built)
	}
	if n, _ := loads.Load("s00"); *n.(*int) != 1 {
		t.Errorf("complete sample loaded %d times", *n.(*int))
	}
	if n, _ := loads.Load("s03"); *n.(*int) != 2 {
		t.Errorf("failed sample loaded %d times, want 2", *n.(*int))
	}
	for i, j := range jobs {
		if i == 3 || i == 7 {
			continue
		}
		got, err := s.Get(j.Key)
		if err != nil {
			t.Fatal(err)
		}
		sameSample(t, j.ID, got, testSample(j.ID, uint64(i), 1, 8, 16, 16))
	}
	inf, err := s.Info()
	if err != nil || inf.Complete != 10 || inf.Incomplete != 0 || len(inf.Samples) != 10 {
		t.Fatalf("Info = %+v, %v", inf, err)
	}
	var live []Key
	for _, j := range jobs[:5] {
		live = append(live, j.Key)
	}
	removed, err := s.Collect(context.Background(), live)
	if err != nil || removed != 6 { // s05 s06 s08..s11
		t.Fatalf("Collect removed %d, %v; want 6", removed, err)
	}
	if ok, _ := s.Has(jobs[9].Key); ok {
		t.Error("collected sample still present")
	}
	if _, err := s.Get(jobs[9].Key); err == nil || !strings.Contains(err.Error(), "not stored") {
		t.Errorf("Get of a collected sample: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	ro, err := Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	inf, _ = ro.Info()
	if inf.Complete != 4 {
		t.Errorf("after reopen: %d complete, want 4", inf.Complete)
	}
	if _, err := ro.Build(context.Background(), jobs, 1, nil); err == nil {
		t.Error("Build on a read-only store accepted")
	}
}

func TestConcurrentReaders(t *testing.T) {
	s, err := Open(t.TempDir(), Options{WholeBelow: 4096, Chunk3D: []int{4, 8, 8}, Compress: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var keys []Key
	var smps []*array.Sample
	for i := 0; i < 4; i++ {
		smp := testSample(fmt.Sprint(i), uint64(i), 1, 12, 24, 24)
		k := keyOf(fmt.Sprint(i))
		if err := s.Put(k, smp); err != nil {
			t.Fatal(err)
		}
		keys, smps = append(keys, k), append(smps, smp)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 0))
			for n := 0; n < 50; n++ {
				i := r.IntN(4)
				st := []int{r.IntN(5), r.IntN(13), r.IntN(13)}
				reg, err := s.Region(keys[i], st, []int{8, 12, 12})
				if err != nil {
					errs <- err
					return
				}
				want, _ := smps[i].Arrays["IM"].Crop([]int{0, st[0], st[1], st[2]}, []int{1, 8, 12, 12})
				if !slices.Equal(reg.Arrays["IM"].Data, want.Data) {
					errs <- fmt.Errorf("goroutine %d read wrong data", g)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestIncompleteSamplesAreRebuilt simulates what a kill between a sample's data
// and its completion marker leaves behind (data and meta, no marker; or chunks
// only) and checks that such samples count as missing and are rebuilt.
func TestIncompleteSamplesAreRebuilt(t *testing.T) {
	s, err := Open(t.TempDir(), Options{WholeBelow: 1024, Chunk2D: []int{8, 8}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	a, b := keyOf("a"), keyOf("b")
	if err := s.Put(a, testSample("a", 1, 1, 20, 20)); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(b, testSample("b", 2, 1, 20, 20)); err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{
		s.db.Delete(doneKey(a), pebble.NoSync), // data + meta, no marker
		s.db.Delete(doneKey(b), pebble.NoSync), // chunks only ...
		s.db.Delete(metaKey(b), pebble.NoSync),
		s.db.Set(dataKey(b, "IM", 0), []byte{7}, pebble.NoSync), // ... one of them garbage
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	complete, incomplete, err := s.Keys()
	if err != nil || len(complete) != 0 || len(incomplete) != 2 {
		t.Fatalf("Keys = %d complete, %d incomplete, %v; want 0, 2", len(complete), len(incomplete), err)
	}
	if _, err := s.Get(a); err == nil {
		t.Error("Get of an incomplete sample succeeded")
	}
	jobs := []Job{
		{Key: a, ID: "a", Load: func() (*array.Sample, error) { return testSample("a", 1, 1, 20, 20), nil }},
		{Key: b, ID: "b", Load: func() (*array.Sample, error) { return testSample("b", 2, 1, 20, 20), nil }},
	}
	if n, err := s.Build(context.Background(), jobs, 1, nil); n != 2 || err != nil {
		t.Fatalf("Build = %d, %v", n, err)
	}
	for i, j := range jobs {
		got, err := s.Get(j.Key)
		if err != nil {
			t.Fatal(err)
		}
		sameSample(t, j.ID, got, testSample(j.ID, uint64(i+1), 1, 20, 20))
	}
	inf, _ := s.Info()
	if inf.Complete != 2 || inf.Incomplete != 0 {
		t.Errorf("Info after rebuild: %+v", inf)
	}
}
