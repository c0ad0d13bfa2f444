package train

import (
	"bytes"
	stdctx "context"
	"encoding/binary"
	"hash/crc32"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

func trainedCheckpoint(t *testing.T, model ModelFn, epochs int) (string, *Trainer) {
	t.Helper()
	dir := t.TempDir()
	tr := newTrainer(t, model, Config{Epochs: epochs, Seed: 3, Dir: dir})
	if _, err := tr.Fit(stdctx.Background(), regressionData(32, 8, 3), nil); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "last.ckpt"), tr
}

func TestFineTuneLoadsShapeMatchedWeightsOnly(t *testing.T) {
	path, a := trainedCheckpoint(t, mlp(8, 1), 2)
	aw := weights(t, a)

	b := newTrainer(t, mlp(8, 2), Config{Epochs: 1, InitFrom: path})
	res, err := b.Fit(stdctx.Background(), &Samples{Items: twoOutputs(regression(16, 1)), BatchSize: 8}, nil)
	if err != nil {
		t.Fatal(err)
	}
	loaded := strings.Join(res.Init.Loaded, ",")
	if loaded != "/hidden/bias,/hidden/weights" {
		t.Errorf("loaded %q, want the hidden layer only", loaded)
	}
	skipped := strings.Join(res.Init.Skipped, "\n")
	if !strings.Contains(skipped, "/out/weights: shape") || !strings.Contains(skipped, "/out/bias: shape") {
		t.Errorf("skipped:\n%s\nwant both output variables with their shapes", skipped)
	}

	// LoadMatching on a fresh trainer copies the values exactly.
	c := newTrainer(t, mlp(8, 2), Config{})
	rep, err := c.LoadMatching(path, Tensor{Shape: []int{1, 2}, Data: []float32{0, 0}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Loaded) != 2 {
		t.Fatalf("LoadMatching loaded %v", rep.Loaded)
	}
	cw := weights(t, c)
	for i, v := range aw["/hidden/weights"] {
		if cw["/hidden/weights"][i] != v {
			t.Fatalf("hidden weight %d: %v, checkpoint %v", i, cw["/hidden/weights"][i], v)
		}
	}
	if _, err := newTrainer(t, mlp(3, 2), Config{}).LoadMatching(path, Tensor{Shape: []int{1, 2}, Data: []float32{0, 0}}); err != nil {
		t.Fatal(err)
	}
	d := newTrainer(t, mlp(3, 5), Config{InitFrom: path})
	if _, err := d.Fit(stdctx.Background(), &Samples{Items: fiveOutputs(regression(8, 1)), BatchSize: 8}, nil); err == nil ||
		!strings.Contains(err.Error(), "no weight matches") {
		t.Errorf("fine-tuning a model sharing no shape: err = %v", err)
	}
}

func twoOutputs(s []Sample) []Sample  { return widen(s, 2) }
func fiveOutputs(s []Sample) []Sample { return widen(s, 5) }
func widen(s []Sample, n int) []Sample {
	for i := range s {
		y := make([]float32, n)
		for k := range y {
			y[k] = s[i].Y.Data[0]
		}
		s[i].Y = Tensor{Shape: []int{n}, Data: y}
	}
	return s
}

func TestLoadWeightsAndPredict(t *testing.T) {
	path, a := trainedCheckpoint(t, mlp(8, 1), 2)
	x := Tensor{Shape: []int{3, 2}, Data: []float32{0.1, 0.2, -0.5, 0.3, 0.9, -0.9}}
	want, err := a.Predict(x)
	if err != nil {
		t.Fatal(err)
	}
	b := newTrainer(t, mlp(8, 1), Config{Seed: 99})
	if err := b.LoadWeights(path, x); err != nil {
		t.Fatal(err)
	}
	got, err := b.Predict(x)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Shape) != 2 || got.Shape[0] != 3 || got.Shape[1] != 1 {
		t.Fatalf("prediction shape %v", got.Shape)
	}
	for i := range want.Data {
		if got.Data[i] != want.Data[i] {
			t.Fatalf("prediction %d: %v after loading, %v from the trainer that saved it", i, got.Data[i], want.Data[i])
		}
	}
	err = newTrainer(t, mlp(4, 1), Config{}).LoadWeights(path, x)
	if err == nil || !strings.Contains(err.Error(), "/hidden/weights: shape") {
		t.Errorf("loading into a narrower model: err = %v", err)
	}
}

func TestResumeRejectsAnotherModel(t *testing.T) {
	path, _ := trainedCheckpoint(t, mlp(8, 1), 1)
	renamed := func(ctx *context.Context, x *graph.Node) *graph.Node { return mlp(8, 1)(ctx.In("renamed"), x) }
	tr := newTrainer(t, renamed, Config{Epochs: 2, Dir: filepath.Dir(path), Resume: true})
	_, err := tr.Fit(stdctx.Background(), regressionData(32, 8, 3), nil)
	if err == nil || !strings.Contains(err.Error(), "in the checkpoint but not in the model") {
		t.Fatalf("resume into a renamed model: err = %v", err)
	}
	other := newTrainer(t, mlp(8, 1), Config{Epochs: 2, Dir: filepath.Dir(path), Resume: true})
	if _, err := other.Fit(stdctx.Background(), regressionData(48, 8, 3), nil); err == nil ||
		!strings.Contains(err.Error(), "4 batches per epoch, the data now gives 6") {
		t.Fatalf("resume with other data: err = %v", err)
	}
}

func TestCheckpointCorruption(t *testing.T) {
	path, _ := trainedCheckpoint(t, mlp(4, 1), 1)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"flipped byte", flip(raw, len(raw)-10), "checksum"},
		{"truncated", raw[:len(raw)/2], "checksum"},
		{"not a checkpoint", []byte("hello world, this is not it"), "bad magic"},
		{"empty", nil, "bad magic"},
	}
	for _, tc := range cases {
		p := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_"))
		if err := os.WriteFile(p, tc.data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := ReadCheckpoint(p)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: err = %v, want %q naming the file", tc.name, err, tc.want)
		}
	}
	if _, err := ReadCheckpoint(filepath.Join(dir, "missing")); err == nil {
		t.Error("missing file: want an error")
	}
}

func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 0xff
	return c
}

// FuzzReadCheckpoint feeds arbitrary bytes to the checkpoint parser: it must fail
// cleanly, never panic.
func FuzzReadCheckpoint(f *testing.F) {
	f.Add([]byte(checkpointMagic + "\x05\x00\x00\x00\x00\x00\x00\x00{}xyz\x00\x00\x00\x00"))
	f.Add([]byte("garbage"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "c.ckpt")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, _ = ReadCheckpoint(p)
	})
}

const killChildEnv = "IM2IM_TRAIN_KILL_CHILD_DIR"

// killConfig is shared by the child that gets killed and the parent that resumes.
func killConfig(dir string) Config {
	return Config{Epochs: 4, Seed: 11, Dir: dir, Resume: true, SaveEverySteps: 2}
}

// TestResumeAfterKill re-executes the test binary as a child that trains and blocks
// after step 7; the parent SIGKILLs it, resumes from last.ckpt (written at step 6)
// and must end with exactly the loss curve of an uninterrupted run.
func TestResumeAfterKill(t *testing.T) {
	data := func() *Samples { return regressionData(40, 8, 5) } // 5 steps per epoch
	if dir := os.Getenv(killChildEnv); dir != "" {
		cfg := killConfig(dir)
		cfg.Progress = func(p Progress) {
			if p.Phase == "train" && p.Step == 7 {
				if err := os.WriteFile(filepath.Join(dir, "at-step-7"), nil, 0o644); err != nil {
					panic(err)
				}
				select {} // wait to be killed
			}
		}
		tr := newTrainer(t, mlp(8, 1), cfg)
		_, err := tr.Fit(stdctx.Background(), data(), nil)
		t.Fatalf("child was not killed (Fit returned %v)", err)
	}
	ref := newTrainer(t, mlp(8, 1), Config{Epochs: 4, Seed: 11})
	want, err := ref.Fit(stdctx.Background(), data(), nil)
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestResumeAfterKill$", "-test.count=1")
	cmd.Env = append(os.Environ(), killChildEnv+"="+dir)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if _, err := os.Stat(filepath.Join(dir, "at-step-7")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("child never reached step 7:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL on Unix
		t.Fatal(err)
	}
	_ = cmd.Wait()

	// A run killed while writing leaves a temporary file; the next run removes it.
	stale := filepath.Join(dir, ".last.ckpt.tmp-123")
	if err := os.WriteFile(stale, []byte("partial"), 0o644); err != nil {
		t.Fatal(err)
	}
	tr := newTrainer(t, mlp(8, 1), killConfig(dir))
	res, err := tr.Fit(stdctx.Background(), data(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.ResumedAt != 6 {
		t.Fatalf("resumed at step %d, want 6 (the last checkpoint before the kill at step 7)", res.ResumedAt)
	}
	sameCurve(t, res.StepLosses, want.StepLosses)
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale temporary checkpoint still there: %v", err)
	}
}

func TestConfigValidateListsEveryProblem(t *testing.T) {
	cfg := Config{
		Epochs: -1, ClipNorm: -1, Resume: true, Monitor: "dice",
		Optimizer: Optimizer{Kind: "lbfgs", LR: -1, Beta1: 1.5},
		Schedule:  Schedule{Kind: "step", Factor: 2},
	}
	err := cfg.Validate([]string{"iou"})
	if err == nil {
		t.Fatal("want an error")
	}
	for _, want := range []string{
		"trainer.epochs", "trainer.clip_norm", "trainer.resume: needs trainer.dir", `trainer.monitor: "dice"`,
		`trainer.optimizer.kind: want adamw, adam or sgd, got "lbfgs"`, "trainer.optimizer.lr", "trainer.optimizer.beta1",
		`trainer.schedule.kind`, "trainer.schedule.factor",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if err := (Config{}).Validate(nil); err != nil {
		t.Errorf("zero config: %v", err)
	}
	if _, err := New(testBackend(t), mlp(2, 1), mse, []Metric{{Name: "loss", Fn: mse}}, Config{}); err == nil {
		t.Error("a metric named loss: want an error")
	}
}

func TestReadCheckpointRejectsBadShapes(t *testing.T) {
	dir := t.TempDir()
	for i, header := range []string{
		`{"Vars":[{"Name":"/w","DType":"Float32","Shape":[-4],"Offset":0,"Size":16}]}`,
		`{"Vars":[{"Name":"/w","DType":"Float32","Shape":[4000000000,4000000000],"Offset":0,"Size":16}]}`,
		`{"Vars":[{"Name":"/w","DType":"Nope","Shape":[4],"Offset":0,"Size":16}]}`,
		`{"Vars":[{"Name":"/w","DType":"Float32","Shape":[5],"Offset":0,"Size":16}]}`,
	} {
		var b bytes.Buffer
		b.WriteString(checkpointMagic)
		_ = binary.Write(&b, binary.LittleEndian, uint64(len(header)))
		b.WriteString(header)
		b.Write(make([]byte, 16))
		_ = binary.Write(&b, binary.LittleEndian, crc32.ChecksumIEEE(b.Bytes()[len(checkpointMagic):]))
		p := filepath.Join(dir, "c.ckpt")
		if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadCheckpoint(p); err == nil || !strings.Contains(err.Error(), "variable /w") {
			t.Errorf("header %d: err = %v, want one naming variable /w", i, err)
		}
	}
}

const writeChildEnv = "IM2IM_TRAIN_WRITE_CHILD_DIR"

// TestKillDuringCheckpointWrite re-executes the test binary as a child that rewrites
// last.ckpt in a loop and SIGKILLs it at an arbitrary moment, several times: the
// checkpoint on disk must always read back complete (atomic replace), whatever
// temporary file the kill left behind.
func TestKillDuringCheckpointWrite(t *testing.T) {
	if dir := os.Getenv(writeChildEnv); dir != "" {
		tr := newTrainer(t, mlp(64, 8), Config{})
		if err := tr.prepare(toTensor(Tensor{Shape: []int{1, 2}, Data: []float32{0, 0}})); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "last.ckpt")
		for i := 0; ; i++ {
			st := State{Step: i, StepLosses: make([]float64, 2000)}
			if err := writeCheckpoint(path, tr.Context(), st); err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				if err := os.WriteFile(filepath.Join(dir, "started"), nil, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	dir := t.TempDir()
	for round := 0; round < 3; round++ {
		os.Remove(filepath.Join(dir, "started"))
		cmd := exec.Command(os.Args[0], "-test.run=^TestKillDuringCheckpointWrite$", "-test.count=1")
		cmd.Env = append(os.Environ(), writeChildEnv+"="+dir)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(time.Minute)
		for {
			if _, err := os.Stat(filepath.Join(dir, "started")); err == nil {
				break
			}
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				t.Fatalf("child never wrote a checkpoint:\n%s", out.String())
			}
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(time.Duration(20+37*round) * time.Millisecond)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
		c, err := ReadCheckpoint(filepath.Join(dir, "last.ckpt"))
		if err != nil {
			t.Fatalf("round %d: checkpoint unreadable after the kill: %v", round, err)
		}
		if len(c.Vars) == 0 {
			t.Fatalf("round %d: checkpoint without variables", round)
		}
		t.Logf("round %d: last complete checkpoint was write #%d", round, c.State.Step)
	}
}
