package train

import (
	stdctx "context"
	"fmt"
	"sort"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// ModelFn builds the network: x is the input batch [N, C, spatial...] and the result
// the prediction (logits for segmentation). ctx.IsTraining(x.Graph()) tells
// training graphs (dropout, batch statistics) from evaluation graphs.
type ModelFn func(ctx *context.Context, x *graph.Node) *graph.Node

// LossFn returns the loss of a prediction against its target; a non-scalar result
// is averaged.
type LossFn func(pred, target *graph.Node) *graph.Node

// WeightedLossFn is a loss that also takes a per-voxel weight (cost map).
type WeightedLossFn func(pred, target, weight *graph.Node) *graph.Node

// Metric is a validation measure computed per batch in the graph and averaged over
// the validation set (weighted by batch size).
type Metric struct {
	// Name identifies the metric in results, progress and Config.Monitor.
	Name string
	// Fn returns a scalar from a prediction and its target, in the graph.
	Fn func(pred, target *graph.Node) *graph.Node
	// Host, instead of Fn, computes the metric on the host from one validation
	// batch's prediction and target ([N, C, spatial...]): measures a graph cannot
	// express, such as EmbedSeg's clustering and instance matching. The
	// prediction is copied out of the evaluation graph only when a task has one.
	Host func(pred, target Tensor) (float64, error)
	// HigherIsBetter selects the direction used for the best checkpoint and early stopping.
	HigherIsBetter bool
}

// Trainer holds a task's variables (in a GoMLX context) and the compiled train,
// evaluation and prediction graphs.
type Trainer struct {
	backend backends.Backend
	ctx     *context.Context
	task    Task
	cfg     Config
	state   State
	ready   bool // variables exist and hold values
	// frozen lists variables saved as not trainable in a checkpoint being resumed
	// (GoMLX marks variables it loads as trainable).
	frozen map[string]bool

	trainExec, evalExec, predExec *context.Exec
	// trainWExec and evalWExec take a cost map as a third input.
	trainWExec, evalWExec *context.Exec
	// dp splits training steps over several devices (nil: one device; see devices.go).
	dp *dataParallel
}

// New returns a trainer for a supervised model (one loss, one optimizer: see
// Supervised) with the given validation metrics.
func New(backend backends.Backend, model ModelFn, loss LossFn, metrics []Metric, cfg Config) (*Trainer, error) {
	if backend == nil || model == nil || loss == nil {
		return nil, fmt.Errorf("train: New needs a backend, a model and a loss")
	}
	return NewTask(backend, Supervised(model, loss, nil, metrics), cfg)
}

// NewTask returns a trainer for a task. The configuration is checked (every
// problem reported at once); the task's variables are created on first use.
func NewTask(backend backends.Backend, task Task, cfg Config) (*Trainer, error) {
	if backend == nil {
		return nil, fmt.Errorf("train: NewTask needs a backend")
	}
	if err := task.check(); err != nil {
		return nil, err
	}
	names := map[string]bool{"loss": true}
	var metricNames []string
	for i, m := range task.Metrics {
		if m.Name == "" || (m.Fn == nil) == (m.Host == nil) {
			return nil, fmt.Errorf("train: metric %d needs a name and one function (Fn or Host)", i)
		}
		if names[m.Name] {
			return nil, fmt.Errorf("train: metric name %q used twice (\"loss\" is reserved)", m.Name)
		}
		names[m.Name] = true
		metricNames = append(metricNames, m.Name)
	}
	if err := cfg.Validate(metricNames); err != nil {
		return nil, err
	}
	for _, o := range task.Objectives {
		if o.Optimizer == nil {
			continue
		}
		if err := cfg.objectiveConfig(o).Validate(metricNames); err != nil {
			return nil, fmt.Errorf("train: objective %q: %w", o.Name, err)
		}
	}
	t := &Trainer{backend: backend, task: task, cfg: cfg.withDefaults()}
	t.ctx = context.New()
	t.state.Seed = t.cfg.Seed
	if err := t.ctx.SetRNGStateFromSeed(t.cfg.Seed); err != nil {
		return nil, fmt.Errorf("train: seeding: %w", err)
	}
	var err error
	build := t.ctx.Checked(false)
	train := func(ctx *context.Context, in []*graph.Node) []*graph.Node {
		return t.trainGraph(ctx, Inputs{X: in[0], Y: in[1]}, in[2], in[3:])
	}
	if t.trainExec, err = context.NewExec(backend, build, train); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	eval := func(ctx *context.Context, x, y *graph.Node) []*graph.Node { return t.evalGraph(ctx, x, y, nil) }
	if t.evalExec, err = context.NewExec(backend, build, eval); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	if t.predExec, err = context.NewExec(backend, build, t.predictGraph); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	trainW := func(ctx *context.Context, in []*graph.Node) []*graph.Node {
		return t.trainGraph(ctx, Inputs{X: in[0], Y: in[1], W: in[2]}, in[3], in[4:])
	}
	if t.trainWExec, err = context.NewExec(backend, build, trainW); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	evalW := func(ctx *context.Context, x, y, w *graph.Node) []*graph.Node { return t.evalGraph(ctx, x, y, w) }
	if t.evalWExec, err = context.NewExec(backend, build, evalW); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	if err := t.setupDevices(); err != nil {
		return nil, err
	}
	return t, nil
}

// Context returns the GoMLX context holding the model's variables.
func (t *Trainer) Context() *context.Context { return t.ctx }

// State returns the trainer's progress (a copy).
func (t *Trainer) State() State {
	s := t.state
	s.History = append([]EpochRecord(nil), s.History...)
	s.StepLosses = append([]float64(nil), s.StepLosses...)
	return s
}

// MetricNames lists the validation values in result order: "loss", then the metrics.
func (t *Trainer) MetricNames() []string {
	names := []string{"loss"}
	for _, m := range t.task.Metrics {
		names = append(names, m.Name)
	}
	return names
}

func scalarLoss(l *graph.Node) *graph.Node {
	if !l.Shape().IsScalar() {
		l = graph.ReduceAllMean(l)
	}
	return l
}

// ObjectiveNames lists the names of the task's objectives, in update order.
func (t *Trainer) ObjectiveNames() []string {
	var names []string
	for _, o := range t.task.Objectives {
		names = append(names, o.Name)
	}
	return names
}

// trainGraph is one training step: every objective in order computes its loss
// and applies its optimizer to its variables. step is the 1-based step and lrs
// the objectives' learning rates. It returns each objective's loss and global
// gradient norm before clipping. A non-finite loss or norm in any objective
// leaves every variable as it was.
func (t *Trainer) trainGraph(ctx *context.Context, in Inputs, step *graph.Node, lrs []*graph.Node) []*graph.Node {
	g := in.X.Graph()
	ctx.SetTraining(g, true)
	var out, oks []*graph.Node
	var before map[*context.Variable]*graph.Node
	multi := len(t.task.Objectives) > 1
	if multi {
		before = map[*context.Variable]*graph.Node{}
	}
	for k, o := range t.task.Objectives {
		lr := lrs[k]
		loss := scalarLoss(o.Loss(ctx, in))
		vars := trainableVars(ctx, g, t.frozen, o.Scopes)
		if len(vars) == 0 {
			if o.Name != "" {
				panic(fmt.Errorf("train: objective %q has no trainable variables (scopes %v)", o.Name, o.Scopes))
			}
			panic(fmt.Errorf("train: the model has no trainable variables"))
		}
		nodes := make([]*graph.Node, len(vars))
		for i, v := range vars {
			nodes[i] = v.ValueGraph(g)
		}
		grads := graph.Gradient(loss, nodes...)
		norm := globalNorm(grads)
		ok := graph.LogicalAnd(graph.IsFinite(loss), graph.IsFinite(norm))
		if t.cfg.ClipNorm > 0 {
			scale := graph.Min(graph.ScalarOne(g, norm.DType()),
				graph.Div(graph.Scalar(g, norm.DType(), t.cfg.ClipNorm), graph.AddScalar(norm, 1e-6)))
			for i := range grads {
				grads[i] = graph.Mul(grads[i], graph.ConvertDType(scale, grads[i].DType()))
			}
		}
		if multi {
			for v := range ctx.IterVariables() {
				if _, seen := before[v]; !seen && v.InUseByGraph(g) {
					before[v] = v.ValueGraph(g)
				}
			}
		}
		applyUpdates(ctx, t.cfg.objectiveConfig(o).Optimizer, vars, grads, lr, step, ok)
		out = append(out, graph.ConvertDType(loss, lr.DType()), graph.ConvertDType(norm, lr.DType()))
		oks = append(oks, ok)
	}
	if multi {
		// One objective's non-finite loss undoes the updates of those before it.
		all := oks[0]
		for _, ok := range oks[1:] {
			all = graph.LogicalAnd(all, ok)
		}
		for v, old := range before {
			v.SetValueGraph(graph.Where(all, v.ValueGraph(g), old))
		}
	}
	return out
}

// evalGraph returns the validation loss (weighted by the cost map w unless nil)
// and every metric of one batch.
func (t *Trainer) evalGraph(ctx *context.Context, x, y, w *graph.Node) []*graph.Node {
	ctx.SetTraining(x.Graph(), false)
	pred := t.task.Predict(ctx, x)
	var vl *graph.Node
	if t.task.ValLossOf != nil {
		vl = t.task.ValLossOf(ctx, Inputs{X: x, Y: y, W: w}, pred)
	} else {
		vl = t.task.ValLoss(pred, y, w)
	}
	out := []*graph.Node{scalarLoss(vl)}
	host := false
	for _, m := range t.task.Metrics {
		if m.Host != nil {
			host = true
			continue
		}
		out = append(out, scalarLoss(m.Fn(pred, y)))
	}
	if host {
		out = append(out, pred) // last: read by the host metrics
	}
	return out
}

// batchValues returns one validation batch's loss and metrics in MetricNames
// order from the evaluation graph's outputs: the graph's scalars, then the
// host metrics computed on the prediction (the last output when there are any).
func (t *Trainer) batchValues(out []*tensors.Tensor, y Tensor) ([]float64, error) {
	vals := []float64{scalarOf(out[0])}
	k := 1
	var pred *Tensor
	for _, m := range t.task.Metrics {
		if m.Host == nil {
			vals = append(vals, scalarOf(out[k]))
			k++
			continue
		}
		if pred == nil {
			p := out[len(out)-1]
			data, err := tensors.CopyFlatData[float32](p)
			if err != nil {
				return nil, fmt.Errorf("metric %s: prediction: %w", m.Name, err)
			}
			pred = &Tensor{Shape: p.Shape().Dimensions, Data: data}
		}
		v, err := m.Host(*pred, y)
		if err != nil {
			return nil, fmt.Errorf("metric %s: %w", m.Name, err)
		}
		vals = append(vals, v)
	}
	return vals, nil
}

func (t *Trainer) predictGraph(ctx *context.Context, x *graph.Node) *graph.Node {
	ctx.SetTraining(x.Graph(), false)
	if t.task.Infer != nil {
		return t.task.Infer(ctx, x)
	}
	return t.task.Predict(ctx, x)
}

func toTensor(x Tensor) *tensors.Tensor {
	return tensors.FromFlatDataAndDimensions(x.Data, x.Shape...)
}

func scalarOf(t *tensors.Tensor) float64 {
	switch v := t.Value().(type) {
	case float32:
		return float64(v)
	case float64:
		return v
	}
	panic(fmt.Sprintf("train: scalar of dtype %s", t.DType()))
}

// prepare makes sure the model's variables exist and hold values: it builds the
// prediction graph for the shape of x (creating the model's variables), then
// initialises new variables from the seeded random state. (Optimizer state is
// created by the first training step. The training graph itself cannot be
// pre-compiled: GoMLX would hand its variables' buffers over to a run that never
// happens.)
func (t *Trainer) prepare(x *tensors.Tensor) error {
	if err := t.predExec.PreCompile(x); err != nil {
		return fmt.Errorf("train: building the model for input %s: %w", x.Shape(), err)
	}
	if t.ctx.NeedsInitialization() {
		if err := t.ctx.InitializeVariables(t.backend, nil); err != nil {
			return fmt.Errorf("train: initialising variables: %w", err)
		}
	}
	t.ready = true
	return nil
}

// Predict runs the model in evaluation mode on a batch x ([N, C, spatial...]) and
// returns the prediction and its shape.
func (t *Trainer) Predict(x Tensor) (Tensor, error) {
	if err := x.Check(); err != nil {
		return Tensor{}, fmt.Errorf("train: predict input: %w", err)
	}
	in := toTensor(x)
	if err := t.prepare(in); err != nil {
		return Tensor{}, err
	}
	out, err := t.predExec.Exec(in)
	if err != nil {
		return Tensor{}, fmt.Errorf("train: predict: %w", err)
	}
	res := Tensor{Shape: out[0].Shape().Dimensions}
	if res.Data, err = tensors.CopyFlatData[float32](out[0]); err != nil {
		return Tensor{}, fmt.Errorf("train: predict output: %w", err)
	}
	return res, nil
}

// Evaluate runs the model in evaluation mode over every batch of data and returns
// the mean loss ("loss") and metrics, weighted by batch size.
func (t *Trainer) Evaluate(data Dataset) (map[string]float64, error) {
	return t.EvaluateContext(stdctx.Background(), data)
}

// EvaluateContext is Evaluate that stops between batches when ctx is cancelled,
// returning an error that wraps ctx.Err().
func (t *Trainer) EvaluateContext(ctx stdctx.Context, data Dataset) (map[string]float64, error) {
	if data == nil || data.Len() == 0 {
		return nil, fmt.Errorf("train: evaluate: no validation batches")
	}
	names := t.MetricNames()
	sums := make([]float64, len(names))
	total := 0
	for i := 0; i < data.Len(); i++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("train: validation cancelled at batch %d: %w", i, err)
		}
		b, err := data.Batch(0, i)
		if err != nil {
			return nil, fmt.Errorf("train: validation batch %d: %w", i, err)
		}
		if err := t.checkBatch(b); err != nil {
			return nil, fmt.Errorf("train: validation batch %d: %w", i, err)
		}
		x, y := toTensor(b.X), toTensor(b.Y)
		if err := t.prepare(x); err != nil {
			return nil, err
		}
		var out []*tensors.Tensor
		if b.W.Data != nil {
			out, err = t.evalWExec.Exec(x, y, toTensor(b.W))
		} else {
			out, err = t.evalExec.Exec(x, y)
		}
		if err != nil {
			return nil, fmt.Errorf("train: validation batch %d: %w", i, err)
		}
		vals, err := t.batchValues(out, b.Y)
		if err != nil {
			return nil, fmt.Errorf("train: validation batch %d: %w", i, err)
		}
		n := b.X.Shape[0]
		for k := range names {
			sums[k] += vals[k] * float64(n)
		}
		total += n
	}
	res := map[string]float64{}
	for k, name := range names {
		res[name] = sums[k] / float64(total)
	}
	return res, nil
}

func (t *Trainer) checkBatch(b Batch) error {
	if err := checkBatch(b); err != nil {
		return err
	}
	if b.W.Data != nil && !t.task.Weighted {
		return fmt.Errorf("the batch has a cost map but the loss takes none (no weighted loss set)")
	}
	return nil
}

func checkBatch(b Batch) error {
	if err := b.X.Check(); err != nil {
		return fmt.Errorf("input: %w", err)
	}
	if err := b.Y.Check(); err != nil {
		return fmt.Errorf("target: %w", err)
	}
	if len(b.X.Shape) < 2 || b.X.Shape[0] != b.Y.Shape[0] {
		return fmt.Errorf("input %v and target %v must be [N, C, ...] with the same N", b.X.Shape, b.Y.Shape)
	}
	if b.W.Data != nil {
		if err := b.W.Check(); err != nil {
			return fmt.Errorf("cost map: %w", err)
		}
		if len(b.W.Shape) != len(b.X.Shape) || b.W.Shape[0] != b.X.Shape[0] {
			return fmt.Errorf("cost map %v must be [N, 1, spatial...] like the input %v", b.W.Shape, b.X.Shape)
		}
	}
	return nil
}

// Save writes the model, optimizer state and progress to path atomically.
func (t *Trainer) Save(path string) error {
	if !t.ready {
		return fmt.Errorf("train: save %s: the model has no weights yet (train or load first)", path)
	}
	return writeCheckpoint(path, t.ctx, t.State())
}

// LoadWeights loads the model's weights (not optimizer state) from a checkpoint for
// prediction or evaluation. example is a batch input with the shape the model
// expects ([N, C, spatial...]); it is used to create the variables. Every model
// variable must be in the checkpoint with the same shape.
func (t *Trainer) LoadWeights(path string, example Tensor) error {
	_, err := t.loadFile(path, example, loadWeights)
	return err
}

// LoadMatching loads the weights whose name and shape match from a checkpoint
// (fine-tuning) and reports what was loaded and skipped.
func (t *Trainer) LoadMatching(path string, example Tensor) (LoadReport, error) {
	return t.loadFile(path, example, loadMatching)
}

func (t *Trainer) loadFile(path string, example Tensor, mode loadMode) (LoadReport, error) {
	c, err := ReadCheckpoint(path)
	if err != nil {
		return LoadReport{}, err
	}
	if err := example.Check(); err != nil {
		return LoadReport{}, fmt.Errorf("train: example input: %w", err)
	}
	if err := t.prepare(toTensor(example)); err != nil {
		return LoadReport{}, err
	}
	return c.loadInto(t.ctx, mode, path)
}

// sortedKeys returns the keys of m in order.
func sortedKeys(m map[string]float64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
