package train

import (
	stdctx "context"
	"os"
	"path/filepath"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
)

// constMetric never improves after its first validation.
var constMetric = Metric{Name: "const", Fn: func(p, _ *graph.Node) *graph.Node {
	return graph.ReduceAllMean(graph.ZerosLike(p))
}}

// TestLastCheckpointLinksBest: at the end of an epoch that improved the
// monitored value, last.ckpt is the file just written as best.ckpt (one
// serialisation and sync, not two); a later last.ckpt replaces its name only.
func TestLastCheckpointLinksBest(t *testing.T) {
	cases := []struct {
		name      string
		monitor   string
		bestEpoch int  // the epoch best.ckpt must hold
		same      bool // last.ckpt and best.ckpt are one file after the run
	}{
		{"improves every epoch", "loss", 3, true},
		{"best after epoch 1 only", "const", 1, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tr, err := New(testBackend(t), mlp(8, 1), mse, []Metric{maeMetric, constMetric},
				Config{Epochs: 3, Seed: 3, Dir: dir, Monitor: tc.monitor, Optimizer: Optimizer{Kind: "adam", LR: 1e-2}})
			if err != nil {
				t.Fatal(err)
			}
			res, err := tr.Fit(stdctx.Background(), regressionData(32, 8, 3), regressionData(16, 8, 4))
			if err != nil {
				t.Fatal(err)
			}
			if res.BestEpoch != tc.bestEpoch {
				t.Fatalf("best epoch %d, want %d (validation: %v)", res.BestEpoch, tc.bestEpoch, res.History)
			}
			bestPath, lastPath := filepath.Join(dir, "best.ckpt"), filepath.Join(dir, "last.ckpt")
			bi, err1 := os.Stat(bestPath)
			li, err2 := os.Stat(lastPath)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			if got := os.SameFile(bi, li); got != tc.same {
				t.Errorf("best.ckpt and last.ckpt one file: %v, want %v", got, tc.same)
			}
			for path, epoch := range map[string]int{bestPath: tc.bestEpoch, lastPath: 3} {
				c, err := ReadCheckpoint(path)
				if err != nil {
					t.Fatal(err)
				}
				if c.State.Epoch != epoch {
					t.Errorf("%s holds epoch %d, want %d", filepath.Base(path), c.State.Epoch, epoch)
				}
			}
			if left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp-*")); len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}
}
