package im2im

import (
	"context"
	"fmt"
	"html"
	"math"
	"sort"
	"strings"

	"github.com/gomlx/gomlx/backends"
	"github.com/im2im/im2im/data/dataset"
	"github.com/im2im/im2im/ml/framework"
	"github.com/im2im/im2im/ml/instance"
	"github.com/im2im/im2im/ml/metric"
	"github.com/im2im/im2im/stdlib/display"
	"github.com/im2im/im2im/stdlib/plot"
)

// Evaluation holds per-image metrics of a model on a dataset and their means.
type Evaluation struct {
	// Names are the metric names (columns), IDs the images (rows).
	Names []string
	IDs   []string
	// Values[i][j] is metric Names[j] of image IDs[i].
	Values [][]float64
}

// Evaluate predicts every image of a paired dataset (data path as in Data.Path;
// all images, no split) with the model of a configuration and checkpoint and
// computes the model's metrics per image on the raw network output.
func Evaluate(c Config, checkpoint, path string) (*Evaluation, error) {
	return EvaluateContext(display.Context(), c, checkpoint, path)
}

// EvaluateContext is Evaluate with an explicit context.
func EvaluateContext(ctx context.Context, c Config, checkpoint, path string) (*Evaluation, error) {
	return evaluate(ctx, c, checkpoint, path, false)
}

// EvaluateInstances scores a segmentation model as an instance segmentation:
// the connected components of its predicted labels (8-connected in 2D,
// 26-connected in 3D; touching objects merge) against the instance labels of
// the dataset at path, with EmbedSegMetrics (ap50, ap75, map, f1,
// matched_iou). An EmbedSeg model is scored on its own instances, as Evaluate
// does.
func EvaluateInstances(ctx context.Context, c Config, checkpoint, path string) (*Evaluation, error) {
	return evaluate(ctx, c, checkpoint, path, true)
}

func evaluate(ctx context.Context, c Config, checkpoint, path string, components bool) (*Evaluation, error) {
	r := c.Resolved()
	_, instances := r.Model.(EmbedSeg) // scored on its clustered labels
	if instances {
		components = false
	} else if components {
		if !r.Model.labels() {
			return nil, fmt.Errorf("evaluate: instance metrics need a segmentation model (labels); %s predicts values", r.Model.Framework())
		}
		f := r.Model.fcnView()
		if f.Predict.Output != framework.OutputLabels {
			return nil, fmt.Errorf("evaluate: instance metrics score the model's labels; model.predict.output is %s", f.Predict.Output)
		}
	} else {
		r.Model = r.Model.rawOutput()
	}
	d, _, err := dataset.Open(dataset.Spec{Path: path, Category: dataset.Pair, Dims: r.Data.Dims, ValRatio: -1})
	if err != nil {
		return nil, err
	}
	subjects := d.All()
	if len(subjects) == 0 {
		return nil, fmt.Errorf("evaluate: no images in %s", path)
	}
	ev := &Evaluation{Names: append([]string(nil), r.Model.metrics()...)}
	if components || instances { // every instance metric, whichever one validation monitors
		ev.Names = append([]string(nil), framework.EmbedSegMetrics...)
	}
	var m *framework.Model
	var b backends.Backend
	defer func() {
		if b != nil {
			b.Finalize()
		}
	}()
	for _, sub := range subjects {
		if err := ctx.Err(); err != nil {
			return ev, err
		}
		s, err := dataset.Load(sub, r.Data.Dims)
		if err != nil {
			return ev, err
		}
		if s, err = preprocess(r.Data, s); err != nil {
			return ev, fmt.Errorf("evaluate %s: %w", sub.ID, err)
		}
		in, gt := s.Arrays[r.Data.Input], s.Arrays[r.Data.Target]
		if in == nil || gt == nil {
			return ev, fmt.Errorf("evaluate %s: needs %s and %s images", sub.ID, r.Data.Input, r.Data.Target)
		}
		if m == nil {
			if m, b, err = loadModel(r, checkpoint, in.Shape[0]); err != nil {
				return ev, err
			}
		}
		out, shape, err := m.Predict(ctx, in.Data, in.Shape)
		if err != nil {
			return ev, fmt.Errorf("evaluate %s: %w", sub.ID, err)
		}
		row := make([]float64, len(ev.Names))
		if components {
			if out, err = labelComponents(out, shape); err != nil {
				return ev, fmt.Errorf("evaluate %s: %w", sub.ID, err)
			}
		}
		if instances || components {
			if row, err = instanceRow(ev.Names, out, gt.Data); err != nil {
				return ev, fmt.Errorf("evaluate %s: %w", sub.ID, err)
			}
			ev.IDs = append(ev.IDs, sub.ID)
			ev.Values = append(ev.Values, row)
			continue
		}
		for j, n := range ev.Names {
			spec, err := metric.ByName(n)
			if err != nil {
				return ev, err
			}
			row[j], err = metric.Compute(b, spec.Fn, out, append([]int{1}, shape...), gt.Data, append([]int{1}, gt.Shape...))
			if err != nil {
				return ev, fmt.Errorf("evaluate %s: %s: %w", sub.ID, n, err)
			}
		}
		ev.IDs = append(ev.IDs, sub.ID)
		ev.Values = append(ev.Values, row)
	}
	return ev, nil
}

// Metrics returns the mean of each metric over the images.
func (e *Evaluation) Metrics() map[string]float64 {
	out := map[string]float64{}
	for j, n := range e.Names {
		var s float64
		for _, row := range e.Values {
			s += row[j]
		}
		if len(e.Values) > 0 {
			out[n] = s / float64(len(e.Values))
		}
	}
	return out
}

// Best returns the image with the highest value of metric name, and that value.
func (e *Evaluation) Best(name string) (string, float64) {
	j := -1
	for k, n := range e.Names {
		if n == name {
			j = k
		}
	}
	best, id := math.Inf(-1), ""
	if j < 0 {
		return "", math.NaN()
	}
	for i, row := range e.Values {
		if row[j] > best {
			best, id = row[j], e.IDs[i]
		}
	}
	return id, best
}

// Table renders the per-image values and the mean as an aligned text table.
func (e *Evaluation) Table() string {
	w := len("mean")
	for _, id := range e.IDs {
		w = max(w, len(id))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-*s", w, "image")
	for _, n := range e.Names {
		fmt.Fprintf(&b, "  %10s", n)
	}
	b.WriteString("\n")
	for i, id := range e.IDs {
		fmt.Fprintf(&b, "%-*s", w, id)
		for _, v := range e.Values[i] {
			fmt.Fprintf(&b, "  %10.4f", v)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "%-*s", w, "mean")
	mean := e.Metrics()
	for _, n := range e.Names {
		fmt.Fprintf(&b, "  %10.4f", mean[n])
	}
	b.WriteString("\n")
	return b.String()
}

// CSV renders the table as CSV (image, metrics...; last row "mean").
func (e *Evaluation) CSV() string {
	var b strings.Builder
	b.WriteString("image," + strings.Join(e.Names, ",") + "\n")
	for i, id := range e.IDs {
		b.WriteString(id)
		for _, v := range e.Values[i] {
			fmt.Fprintf(&b, ",%g", v)
		}
		b.WriteString("\n")
	}
	mean := e.Metrics()
	b.WriteString("mean")
	for _, n := range e.Names {
		fmt.Fprintf(&b, ",%g", mean[n])
	}
	b.WriteString("\n")
	return b.String()
}

// Show displays the table as HTML in the notebook (as the aligned text of
// Table where HTML is not shown).
func (e *Evaluation) Show() {
	var b strings.Builder
	b.WriteString("<table><tr><th>image</th>")
	for _, n := range e.Names {
		b.WriteString("<th>" + html.EscapeString(n) + "</th>")
	}
	b.WriteString("</tr>")
	rows := append([]string(nil), e.IDs...)
	sort.Strings(rows)
	idx := map[string]int{}
	for i, id := range e.IDs {
		idx[id] = i
	}
	for _, id := range rows {
		b.WriteString("<tr><td>" + html.EscapeString(id) + "</td>")
		for _, v := range e.Values[idx[id]] {
			fmt.Fprintf(&b, "<td>%.4f</td>", v)
		}
		b.WriteString("</tr>")
	}
	mean := e.Metrics()
	b.WriteString("<tr><td><b>mean</b></td>")
	for _, n := range e.Names {
		fmt.Fprintf(&b, "<td><b>%.4f</b></td>", mean[n])
	}
	b.WriteString("</tr></table>")
	display.HTMLAlt(b.String(), fmt.Sprintf("evaluation of %d images\n%s", len(e.IDs), strings.TrimRight(e.Table(), "\n")))
}

// Figure draws one chart per metric: its value for every image as points
// (x: the image's row in Table, 1 = first) and the mean as a dashed line; the
// y axis names the metric and its unit.
func (e *Evaluation) Figure() *plot.Figure {
	if len(e.Names) == 0 || len(e.Values) == 0 {
		return plot.Curves("no evaluation yet")
	}
	mean := e.Metrics()
	n := len(e.Values)
	charts := make([]plot.Chart, len(e.Names))
	for j, name := range e.Names {
		img := plot.Curve{Name: "per image", X: make([]float64, n), Y: make([]float64, n), Points: true}
		for i, row := range e.Values {
			img.X[i], img.Y[i] = float64(i+1), row[j]
		}
		avg := plot.Curve{Name: fmt.Sprintf("mean %.4g", mean[name]), X: []float64{1, float64(n)}, Y: []float64{mean[name], mean[name]}, Dashed: true}
		xl := "image (row of the table)"
		if n == 1 {
			xl = "image " + e.IDs[0]
		}
		ylabel := name
		if unit, _ := metricUnit(name); unit == "dB" {
			ylabel += " (dB)"
		}
		charts[j] = plot.Chart{Title: name + " per image", XLabel: xl, YLabel: ylabel, Curves: []plot.Curve{img, avg}}
	}
	return plot.Charts(charts...)
}

// Plot shows Figure in the notebook: each metric per image, with its mean.
func (e *Evaluation) Plot() { e.Figure().Show() }

// Evaluate evaluates the run's trained model on a dataset.
func (r *Run) Evaluate(path string) (*Evaluation, error) {
	return Evaluate(r.Config, r.Checkpoint(), path)
}

// instanceRow matches predicted instance labels with the true ones of one
// image and returns the named instance metrics.
func instanceRow(names []string, pred, truth []float32) ([]float64, error) {
	if len(pred) != len(truth) {
		return nil, fmt.Errorf("prediction has %d voxels, the instance labels %d", len(pred), len(truth))
	}
	t, err := toInstanceIDs(truth)
	if err != nil {
		return nil, fmt.Errorf("target: %w", err)
	}
	p := make([]int32, len(pred)) // clustered or labelled by us: ids already
	for i, v := range pred {
		p[i] = int32(v)
	}
	r, err := instance.Match(p, t, instance.DefaultThresholds())
	if err != nil {
		return nil, err
	}
	row := make([]float64, len(names))
	for j, n := range names {
		row[j] = framework.InstanceScore(n, r)
	}
	return row, nil
}

// labelComponents labels the connected foreground components of one predicted
// label image [1, spatial...] (8-connected in 2D, 26 in 3D).
func labelComponents(labels []float32, shape []int) ([]float32, error) {
	if len(shape) < 3 || shape[0] != 1 {
		return nil, fmt.Errorf("labels of shape %v: want one channel", shape)
	}
	return components(labels, shape[1:])
}
