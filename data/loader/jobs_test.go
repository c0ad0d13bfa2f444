package loader

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/im2im/im2im/data/dataset"
	"github.com/im2im/im2im/data/store"
	"github.com/im2im/im2im/data/synth"
	"github.com/im2im/im2im/data/transform"
)

// cacheJobs: keys follow the chain and the files; Sources are the subject's
// files, absolute and sorted; the jobs build a store of preprocessed samples.
func TestCacheJobsKeysSourcesAndBuild(t *testing.T) {
	dir := t.TempDir()
	if _, err := synth.Write(dir, synth.Semantic, 3, synth.Options{Shape: []int{20, 20}}); err != nil {
		t.Fatal(err)
	}
	d, err := dataset.Discover(dataset.Spec{Path: dir, Dims: 2, ValRatio: -1})
	if err != nil {
		t.Fatal(err)
	}
	det := chain(t, transform.Spec{Name: "normalize_minmax"})
	jobs, err := cacheJobs(d.Train, 2, det)
	if err != nil {
		t.Fatal(err)
	}
	for i, j := range jobs {
		var want []string
		for _, p := range d.Train[i].Files {
			abs, _ := filepath.Abs(p)
			want = append(want, abs)
		}
		slices.Sort(want)
		var got []string
		for _, id := range j.Sources {
			got = append(got, id.Path)
			if id.Size == 0 || id.ModTime == 0 {
				t.Errorf("job %s: source %s without size or mtime", j.ID, id.Path)
			}
		}
		if j.ID != d.Train[i].ID || !slices.Equal(got, want) {
			t.Errorf("job %d: %s with sources %v, want %s with %v", i, j.ID, got, d.Train[i].ID, want)
		}
	}
	if all := sourcesOf(jobs); len(all) != 6 {
		t.Errorf("sourcesOf: %d files, want 6", len(all))
	}
	st, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n, err := st.Build(context.Background(), jobs, 2, nil); n != 3 || err != nil {
		t.Fatalf("Build = %d, %v", n, err)
	}
	got, _ := st.Get(jobs[0].Key)
	if lo, hi := got.Arrays["IM"].MinMax(); lo != 0 || hi != 1 {
		t.Errorf("stored IM not normalized: %v..%v", lo, hi)
	}
	// Another chain or a touched file → other keys.
	jobs2, _ := cacheJobs(d.Train, 2, chain(t, transform.Spec{Name: "normalize_zscore"}))
	if jobs2[0].Key == jobs[0].Key {
		t.Error("chain change kept the key")
	}
	p := d.Train[1].Files["IM"]
	b, _ := os.ReadFile(p)
	os.WriteFile(p, append(b, 0), 0o644)
	jobs3, _ := cacheJobs(d.Train, 2, det)
	if jobs3[1].Key == jobs[1].Key || jobs3[0].Key != jobs[0].Key {
		t.Error("file change did not change exactly that subject's key")
	}
	if _, err := cacheJobs(d.Train, 2, chain(t, transform.Spec{Name: "rand_flip"})); err == nil {
		t.Error("random chain accepted for caching")
	}
}
