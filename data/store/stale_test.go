package store

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/im2im/im2im/data/array"
)

// CollectStale removes one dataset's entries of modified and deleted files
// (and, with Chains, of other chains) and keeps other datasets' entries,
// entries without recorded sources and live ones; Build records sources of
// samples stored without them.
func TestCollectStale(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	write := func(p, content string, age time.Duration) FileID {
		t.Helper()
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		mt := time.Now().Add(-age)
		os.Chtimes(p, mt, mt)
		id, err := Identify(p)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	a1, a2, a3 := write(filepath.Join(a, "1_IM.tiff"), "a1", time.Hour), write(filepath.Join(a, "2_IM.tiff"), "a2", time.Hour), write(filepath.Join(a, "3_IM.tiff"), "a3", time.Hour)
	b1 := write(filepath.Join(b, "1_IM.tiff"), "b1", time.Hour)
	st, err := Open(filepath.Join(dir, "store"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	key := func(f FileID, chain string) Key { return SampleKey(map[string]FileID{"IM": f}, chain, "") }
	job := func(name string, f FileID, chain string) Job {
		return Job{Key: key(f, chain), ID: name, Sources: []FileID{f},
			Load: func() (*array.Sample, error) { return testSample(name, 1, 1, 8, 8), nil }}
	}
	jobs := []Job{job("a1", a1, "c1"), job("a2", a2, "c1"), job("a3", a3, "c1"), job("a3-other-chain", a3, "c2"), job("b1", b1, "c1")}
	if n, err := st.Build(context.Background(), jobs, 2, nil); err != nil || n != 5 {
		t.Fatalf("build %d, %v", n, err)
	}
	// A sample stored without sources: never judged stale.
	unknown := key(FileID{Path: filepath.Join(a, "gone.tiff"), Size: 1, ModTime: 1}, "c1")
	if err := st.Put(unknown, testSample("unknown", 2, 1, 8, 8)); err != nil {
		t.Fatal(err)
	}
	// a1 is modified, a2 deleted; a3 and b1 unchanged.
	a1new := write(filepath.Join(a, "1_IM.tiff"), "a1, longer now", 0)
	os.Remove(filepath.Join(a, "2_IM.tiff"))
	scopeA := Scope{Files: []FileID{a1new, a3}, Roots: []string{a}}
	live := []Key{key(a1new, "c1"), key(a3, "c1")}

	remaining := func() []string {
		t.Helper()
		inf, err := st.Info()
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, s := range inf.Samples {
			ids = append(ids, s.Meta.ID)
		}
		sort.Strings(ids)
		return ids
	}
	for _, tc := range []struct {
		name   string
		scope  Scope
		remove int
		want   []string
	}{
		{"modified and deleted files of a", scopeA, 2, []string{"a3", "a3-other-chain", "b1", "unknown"}},
		{"again: nothing left to remove", scopeA, 0, []string{"a3", "a3-other-chain", "b1", "unknown"}},
		{"other chains of a's files", Scope{Files: scopeA.Files, Roots: scopeA.Roots, Chains: true}, 1, []string{"a3", "b1", "unknown"}},
		{"dataset b: its entry is live", Scope{Files: []FileID{b1}, Roots: []string{b}, Chains: true}, 0, []string{"a3", "b1", "unknown"}},
	} {
		liveKeys := live
		if tc.scope.Roots[0] == b {
			liveKeys = []Key{key(b1, "c1")}
		}
		n, err := st.CollectStale(context.Background(), liveKeys, tc.scope)
		if got := remaining(); err != nil || n != tc.remove || len(got) != len(tc.want) || !slices.Equal(got, tc.want) {
			t.Errorf("%s: removed %d (%v), left %v; want %d removed, %v left", tc.name, n, err, got, tc.remove, tc.want)
		}
	}
	// Build records sources of a complete sample stored without them.
	m, _ := st.Meta(unknown)
	if len(m.Sources) != 0 {
		t.Fatalf("sources %v", m.Sources)
	}
	src := FileID{Path: filepath.Join(a, "gone.tiff"), Size: 1, ModTime: 1}
	if n, err := st.Build(context.Background(), []Job{{Key: unknown, ID: "unknown", Sources: []FileID{src}}}, 1, nil); err != nil || n != 0 {
		t.Fatalf("rebuild: %d %v", n, err)
	}
	if m, _ := st.Meta(unknown); len(m.Sources) != 1 || m.Sources[0] != src {
		t.Errorf("sources after Build: %v", m.Sources)
	}
	// gone.tiff is under a and does not exist: now it is stale.
	if n, err := st.CollectStale(context.Background(), live, scopeA); err != nil || n != 1 || !slices.Equal(remaining(), []string{"a3", "b1"}) {
		t.Errorf("after recording sources: removed %d (%v), left %v", n, err, remaining())
	}
}
