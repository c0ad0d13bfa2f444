package metric

import (
	"fmt"
	"strings"

	"github.com/gomlx/gomlx/pkg/core/graph"
)

// Fn is a metric: a scalar from a prediction and its target.
type Fn func(pred, target *graph.Node) *graph.Node

// Spec is a named metric with its direction.
type Spec struct {
	Name           string
	Fn             Fn
	HigherIsBetter bool
}

// Names lists the names ByName accepts.
var Names = []string{"dice", "iou", "psnr", "ssim", "pearson"}

// ByName returns the metric for a config name (case-insensitive), with default settings.
func ByName(name string) (Spec, error) {
	switch strings.ToLower(name) {
	case "dice":
		return Spec{"dice", Dice, true}, nil
	case "iou", "jaccard":
		return Spec{"iou", IoU, true}, nil
	case "psnr":
		return Spec{"psnr", PSNR{}.Fn, true}, nil
	case "ssim":
		return Spec{"ssim", SSIM{}.Fn, true}, nil
	case "pearson", "pearsonr", "r":
		return Spec{"pearson", Pearson, true}, nil
	}
	return Spec{}, fmt.Errorf("unknown metric %q (want one of %v)", name, Names)
}

func spatialAxes(x *graph.Node) []int {
	axes := make([]int, 0, x.Rank()-2)
	for i := 2; i < x.Rank(); i++ {
		axes = append(axes, i)
	}
	return axes
}

// nonBatchAxes returns 1..rank-1.
func nonBatchAxes(x *graph.Node) []int {
	axes := make([]int, 0, x.Rank()-1)
	for i := 1; i < x.Rank(); i++ {
		axes = append(axes, i)
	}
	return axes
}

func checkSame(name string, pred, target *graph.Node) {
	if !pred.Shape().Equal(target.Shape()) {
		panic(fmt.Errorf("metric %s: prediction %s and target %s must have the same shape", name, pred.Shape(), target.Shape()))
	}
}
