package im2im

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"github.com/im2im/im2im/data/array"
	"github.com/im2im/im2im/ml/framework"
	"github.com/im2im/im2im/ml/train"
	"github.com/im2im/im2im/stdlib/display"
	"github.com/im2im/im2im/stdlib/plot"
)

// Run is a finished (or stopped) training run.
type Run struct {
	// Dir is the run directory; Config the resolved configuration it ran.
	Dir    string
	Config Config
	// Backend is the GoMLX backend it trained on.
	Backend string
	// Result holds the per-epoch history, every step's loss and the checkpoints.
	Result *train.Result
	// Elapsed is the training wall time.
	Elapsed time.Duration

	model  *framework.Model
	sample *array.Sample // a validation image for Show
}

// newRun creates the run directory of a resolved config. A run never overwrites
// another: without trainer.name the directory is named after the time, with a
// suffix -2, -3, … when taken; a given trainer.name must be free (or trainer.resume
// set), else a *ValidationError (exit 2). A run claims its directory by creating
// its checkpoints folder, so two trainers started at once cannot share one.
func newRun(r Config) (*Run, error) {
	t := r.Trainer
	if err := os.MkdirAll(t.Root, 0o755); err != nil {
		return nil, fmt.Errorf("trainer.root: %w", err)
	}
	if t.Name != "" {
		dir := filepath.Join(t.Root, t.Name)
		if t.Resume {
			if err := mkdirs(dir, filepath.Join(dir, "checkpoints")); err != nil {
				return nil, fmt.Errorf("trainer.root: %w", err)
			}
			return &Run{Dir: dir, Config: r}, nil
		}
		ok, err := claimRun(dir)
		if err != nil {
			return nil, fmt.Errorf("trainer.root: %w", err)
		}
		if !ok {
			return nil, runTakenError(t)
		}
		return &Run{Dir: dir, Config: r}, nil
	}
	name := time.Now().Format("20060102-150405")
	for i := 1; ; i++ {
		dir := filepath.Join(t.Root, name)
		if i > 1 {
			dir = fmt.Sprintf("%s-%d", dir, i)
		}
		ok, err := claimRun(dir)
		if err != nil {
			return nil, fmt.Errorf("trainer.root: %w", err)
		}
		if ok {
			return &Run{Dir: dir, Config: r}, nil
		}
	}
}

// resumeNote says what a run with trainer.resume continues from: its
// checkpoints/last.ckpt, or nothing (it starts fresh).
func resumeNote(dir string) string {
	if _, err := os.Stat(filepath.Join(dir, "checkpoints", "last.ckpt")); err != nil {
		return fmt.Sprintf("no checkpoint in %s; starting fresh", dir)
	}
	return fmt.Sprintf("resuming %s from checkpoints/last.ckpt", dir)
}

// claimRun creates dir (or accepts it empty) and its checkpoints folder; false
// when another run has it.
func claimRun(dir string) (bool, error) {
	if err := os.Mkdir(dir, 0o755); err != nil && !os.IsExist(err) {
		return false, err
	}
	if runTaken(dir) {
		return false, nil
	}
	err := os.Mkdir(filepath.Join(dir, "checkpoints"), 0o755)
	if os.IsExist(err) {
		return false, nil
	}
	return err == nil, err
}

// runTaken reports whether dir holds anything: a run (its checkpoints folder,
// config.yaml, metrics) or files of the user's.
func runTaken(dir string) bool {
	entries, err := os.ReadDir(dir)
	return err == nil && len(entries) > 0
}

// checkRunFree returns runTakenError when the run a config names (trainer.name
// without trainer.resume) exists, so training stops before the data are prepared.
func checkRunFree(r Config) error {
	if t := r.Trainer; t.Name != "" && !t.Resume && runTaken(filepath.Join(t.Root, t.Name)) {
		return runTakenError(t)
	}
	return nil
}

// runTakenError is the *ValidationError of a taken trainer.name.
func runTakenError(t Trainer) error {
	return &ValidationError{Problems: Problems{{Path: "trainer.name", Message: takenMsg(t.Root, t.Name)}}}
}

// takenMsg says that the run root/name exists and what to do.
func takenMsg(root, name string) string {
	return fmt.Sprintf("%q is taken: %s already holds a run, which training would overwrite; choose another trainer.name, "+
		"set trainer.resume to continue that run, or remove the directory", name, filepath.Join(root, name))
}

// writeMeta writes config.yaml and run.yaml.
func (r *Run) writeMeta() error {
	if err := os.WriteFile(filepath.Join(r.Dir, "config.yaml"), []byte(r.Config.YAML()), 0o644); err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "seed: %d\nbackend: %s\ngo: %s\nos: %s/%s\nstarted: %s\n", r.Config.Trainer.Seed, r.Backend,
		runtime.Version(), runtime.GOOS, runtime.GOARCH, time.Now().UTC().Format(time.RFC3339))
	b.WriteString("versions:\n")
	if bi, ok := debug.ReadBuildInfo(); ok {
		fmt.Fprintf(&b, "  %s: %s\n", bi.Main.Path, orString(bi.Main.Version, "(devel)"))
		for _, m := range bi.Deps {
			if strings.Contains(m.Path, "gomlx") || strings.Contains(m.Path, "im2im") || strings.Contains(m.Path, "go-xla") {
				fmt.Fprintf(&b, "  %s: %s\n", m.Path, m.Version)
			}
		}
	}
	return os.WriteFile(filepath.Join(r.Dir, "run.yaml"), []byte(b.String()), 0o644)
}

// metricNames lists the validation values of history: loss first, then the
// metrics sorted.
func metricNames(history []train.EpochRecord) []string {
	seen := map[string]bool{}
	for _, e := range history {
		for k := range e.Val {
			seen[k] = true
		}
	}
	var out []string
	for k := range seen {
		if k != "loss" {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	if seen["loss"] {
		out = append([]string{"loss"}, out...)
	}
	return out
}

// writeMetrics writes metrics.csv: one row per epoch.
func (r *Run) writeMetrics() error { return writeMetricsCSV(r.Dir, r.Result.History) }

// writeMetricsCSV writes dir/metrics.csv (epoch, train_loss, lr and a val_ column
// per validation value; empty where an epoch was not validated) atomically: a
// temporary file renamed over the old one, so a killed run keeps a whole file.
func writeMetricsCSV(dir string, history []train.EpochRecord) error {
	var b bytes.Buffer
	names := metricNames(history)
	b.WriteString("epoch,train_loss,lr")
	for _, n := range names {
		b.WriteString(",val_" + n)
	}
	b.WriteString("\n")
	for _, e := range history {
		fmt.Fprintf(&b, "%d,%g,%g", e.Epoch, e.TrainLoss, e.LR)
		for _, n := range names {
			if v, ok := e.Val[n]; ok && e.Validated {
				fmt.Fprintf(&b, ",%g", v)
			} else {
				b.WriteString(",")
			}
		}
		b.WriteString("\n")
	}
	f, err := os.CreateTemp(dir, ".metrics.csv.tmp-*")
	if err != nil {
		return err
	}
	if _, err := f.Write(b.Bytes()); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), filepath.Join(dir, "metrics.csv")); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}

// StepLosses returns the training loss of every step.
func (r *Run) StepLosses() []float64 {
	if r.Result == nil {
		return nil
	}
	return append([]float64(nil), r.Result.StepLosses...)
}

// Metrics returns the last validation loss and metrics, and the last epoch's mean
// training loss as "train_loss".
func (r *Run) Metrics() map[string]float64 {
	out := map[string]float64{}
	if r.Result == nil || len(r.Result.History) == 0 {
		return out
	}
	h := r.Result.History
	out["train_loss"] = h[len(h)-1].TrainLoss
	for i := len(h) - 1; i >= 0; i-- {
		if h[i].Validated {
			for k, v := range h[i].Val {
				out[k] = v
			}
			break
		}
	}
	return out
}

// Best returns the best value of the monitored quantity (trainer.monitor) and
// the epoch it was reached (0 without validation).
func (r *Run) Best() (float64, int) {
	if r.Result == nil || !r.Result.HasBest {
		return 0, 0
	}
	return r.Result.Best, r.Result.BestEpoch
}

// Checkpoint returns the best checkpoint, else the last one.
func (r *Run) Checkpoint() string {
	if r.Result != nil && r.Result.BestCheckpoint != "" {
		return r.Result.BestCheckpoint
	}
	return filepath.Join(r.Dir, "checkpoints", "last.ckpt")
}

// String summarises the run in one line.
func (r *Run) String() string {
	if r.Result == nil {
		return "run " + r.Dir + " (not trained)"
	}
	s := fmt.Sprintf("run %s: %d epochs, %d steps on %s", r.Dir, len(r.Result.History), len(r.Result.StepLosses), r.Backend)
	m := r.Metrics()
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		s += fmt.Sprintf(", %s %.4g", k, m[k])
	}
	if v, e := r.Best(); e > 0 {
		s += fmt.Sprintf("; best %s %.4g at epoch %d", r.Result.Monitor, v, e)
	}
	return s
}

// Curves returns the loss curve (per step, and per epoch for validation) and the
// metric curves.
func (r *Run) Curves() *plot.Figure {
	if r.Result == nil {
		return plot.Curves("no training yet")
	}
	return curvesFigure(r.Result.StepLosses, r.Result.History, nil, len(r.Result.History))
}

// curvesFigure draws loss per step (and validation loss per epoch, placed at the
// epoch's last step; a log axis when it spans more than a factor of 20) beside
// the validation metrics per epoch, one chart per unit (0–1 scores, dB).
//
// objectives, when not empty, has each objective's loss per step (a GAN's
// generator and discriminator): they replace the single train curve.
func curvesFigure(steps []float64, hist []train.EpochRecord, objectives map[string][]float64, epochs int) *plot.Figure {
	loss := plot.Chart{Title: "loss", XLabel: "step", YLabel: "loss", Curves: []plot.Curve{{Name: "train", Y: steps}}}
	if len(objectives) > 0 {
		loss.Curves = nil
		for _, name := range sortedNames(objectives) {
			loss.Curves = append(loss.Curves, plot.Curve{Name: name, Y: objectives[name]})
		}
	}
	var metrics []plot.Curve
	if epochs > 0 && len(steps) > 0 {
		per := float64(len(steps)) / float64(epochs)
		vl := plot.Curve{Name: "val"}
		byName := map[string]*plot.Curve{}
		var names []string
		for _, e := range hist {
			if !e.Validated {
				continue
			}
			if v, ok := e.Val["loss"]; ok {
				vl.X, vl.Y = append(vl.X, per*float64(e.Epoch)), append(vl.Y, v)
			}
			for k, v := range e.Val {
				if k == "loss" {
					continue
				}
				c := byName[k]
				if c == nil {
					c = &plot.Curve{Name: k}
					byName[k] = c
					names = append(names, k)
				}
				c.X, c.Y = append(c.X, float64(e.Epoch)), append(c.Y, v)
			}
		}
		if len(vl.Y) > 0 {
			loss.Curves = append(loss.Curves, vl)
		}
		sort.Strings(names)
		for _, n := range names {
			metrics = append(metrics, *byName[n])
		}
	}
	if loss.LogY = logScaled(loss.Curves); loss.LogY {
		loss.YLabel = "loss (log scale)"
	}
	return plot.Charts(append([]plot.Chart{loss}, metricCharts("validation", "epoch", metrics)...)...)
}

// sortedNames returns m's keys, sorted.
func sortedNames(m map[string][]float64) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// Plot shows the loss and metric curves in the notebook.
func (r *Run) Plot() { r.Curves().Show() }

// Images returns input / target / prediction panels for a validation image.
func (r *Run) Images() *plot.Figure {
	return imagesFigure(context.Background(), r.model, r.sample, r.Config.Data)
}

// Show shows the input / target / prediction panels of a validation image.
func (r *Run) Show() { r.Images().Show() }

// imagesFigure predicts s with m and draws input, target and prediction (3D:
// orthogonal views): label images in categorical colours with an extra panel
// of the prediction's outline and errors on the input; intensity targets and
// predictions on one shared range with a colour bar.
func imagesFigure(ctx context.Context, m *framework.Model, s *array.Sample, d Data) *plot.Figure {
	if m == nil || s == nil {
		return plot.Images()
	}
	in, gt := s.Arrays[d.Input], s.Arrays[d.Target]
	if in == nil {
		return plot.Images()
	}
	titles := [3]string{"input " + s.ID, "target", "prediction"}
	if d.Category == "embedseg" {
		titles[1], titles[2] = "target instances", "predicted instances"
		if gt != nil && gt.Shape[0] == 2 { // the stored target: instances, then centres
			gt = &array.Array{Shape: append([]int{1}, gt.Shape[1:]...), Data: gt.Data[:len(gt.Data)/2]}
		}
	}
	if d.Category == "unpair" { // s holds an image of each domain, of two scenes
		titles = [3]string{"real A", "real B (another scene)", "fake B (translated A)"}
	}
	view := ""
	if len(in.Shape) == 4 && in.Shape[1] > 1 {
		view = plot.ViewOrtho
	}
	panels := []plot.Panel{{Title: titles[0], Data: in.Data, Shape: in.Shape, View: view}}
	if gt != nil {
		panels = append(panels, plot.Panel{Title: titles[1], Data: gt.Data, Shape: gt.Shape, View: view, Group: "output"})
	}
	pred, unc, err := m.PredictUncertainty(ctx, in.Data, in.Shape)
	if err != nil {
		display.Text("im2im: prediction for the image panel failed: " + err.Error())
		return plot.Images(panels...)
	}
	out, shape := pred.Data, pred.Shape
	panels = append(panels, plot.Panel{Title: titles[2], Data: out, Shape: shape, View: view, Group: "output"})
	// The uncertainty map (ProbUnet, test-time augmentation) comes last.
	figure := func(ps []plot.Panel) *plot.Figure {
		if u := uncertaintyPanel(unc, view); u != nil {
			ps = append(ps, *u)
		}
		return plot.Images(ps...)
	}
	if gt == nil || d.Category == "unpair" {
		return figure(panels)
	}
	spatial := len(in.Data) / max(1, in.Shape[0])
	if plot.IsLabels(gt.Data) && plot.IsLabels(out) && len(gt.Data) == spatial && len(out) == spatial {
		first := plot.Panel{Title: "outline on input (magenta extra, green missed)", Data: in.Data[:spatial],
			Shape: append([]int{1}, in.Shape[1:]...), View: view, Outline: out, Truth: gt.Data}
		return figure(append(panels, first))
	}
	if !plot.IsLabels(out) {
		panels[len(panels)-1].ColorBar = true
	}
	return figure(panels)
}

// uncertaintyPanel draws the first channel of an uncertainty map with a colour
// bar: ProbUnet's predictive entropy (for regression its standard deviation),
// or the variance of test-time augmentation; nil without a map.
func uncertaintyPanel(unc framework.Output, view string) *plot.Panel {
	if len(unc.Shape) < 2 || unc.Shape[0] < 1 {
		return nil
	}
	n := len(unc.Data) / unc.Shape[0]
	title := "uncertainty"
	if unc.Shape[0] == 2 {
		title = "uncertainty (entropy)"
	}
	return &plot.Panel{Title: title, Data: unc.Data[:n], Shape: append([]int{1}, unc.Shape[1:]...), View: view, ColorBar: true}
}
