package framework

import (
	"fmt"
	"strings"

	"github.com/im2im/im2im/ml/infer"
)

// DefaultMaxVoxels is the default memory budget of prediction: the voxels one
// network run may hold (windows × window voxels), 1 Mi, e.g. one 1024×1024 image
// or a 64×128×128 volume. With the quickstart's U-Net (features 16-32-64) the
// im2im-fast backend needs about 1 KiB per voxel (see the README), so the default
// stays near 1 GiB; raise model.predict.max_voxels to predict larger images
// whole, lower it on small machines or for wide nets.
const DefaultMaxVoxels = 1 << 20

// WindowChoice is the sliding window of one prediction and why it was chosen.
type WindowChoice struct {
	// Window per spatial axis and BatchSize windows per network run.
	Window    []int
	BatchSize int
	// Windows is how many windows cover the image; Whole is true when one
	// window holds the whole image (then nothing depends on tiling).
	Windows int
	Whole   bool
	// Reason says where the window comes from: "declared" (model.predict.window),
	// "whole image" or "largest under the budget".
	Reason string
	// MaxVoxels is the budget the choice was made under.
	MaxVoxels int
	// NormPasses, when positive, is how many passes over the windows a
	// prediction makes so that instance and group norm layers normalise with
	// the statistics of the whole image (one per layer, then the prediction):
	// then the prediction does not depend on the tiling either.
	NormPasses int
}

// String is the choice as one line, e.g. "window 512×512 (whole image, 1 window)".
func (w WindowChoice) String() string {
	parts := make([]string, len(w.Window))
	for i, v := range w.Window {
		parts[i] = fmt.Sprint(v)
	}
	plural := "s"
	if w.Windows == 1 {
		plural = ""
	}
	s := fmt.Sprintf("window %s (%s, %d window%s, budget %d voxels)", strings.Join(parts, "×"), w.Reason, w.Windows, plural, w.MaxVoxels)
	if w.NormPasses > 0 {
		s += fmt.Sprintf("; whole-image normalisation statistics: %d passes over %d windows", w.NormPasses, w.Windows)
	}
	return s
}

// ChooseWindow is the one place that decides the prediction window of an image
// of the given spatial extents: the declared window if any; else the whole image
// (each axis rounded up to its divisor, the net's down-sampling factor) when it
// fits maxVoxels (0: DefaultMaxVoxels); else the largest window under the budget,
// shrunk from the whole image one divisor step at a time on its longest axis. A
// whole-image window makes the prediction independent of tiling: instance and
// group norm see the statistics of the whole image, as in one forward pass;
// beyond the budget, frameworks with Inference.WholeImageStats (FCN) give
// them the whole image's statistics by passes over the windows instead.
// divisors has one value per axis (missing or non-positive ones mean 1); the
// windows are placed on the divisors' grid (windowGrid). batch is the
// declared windows per run, capped by the window count and the budget.
func ChooseWindow(spatial, declared, divisors []int, maxVoxels, batch int, overlap float64) WindowChoice {
	if maxVoxels <= 0 {
		maxVoxels = DefaultMaxVoxels
	}
	div := func(a int) int {
		if a < len(divisors) && divisors[a] > 0 {
			return divisors[a]
		}
		return 1
	}
	c := WindowChoice{MaxVoxels: maxVoxels}
	switch {
	case len(declared) > 0:
		c.Window, c.Reason = append([]int(nil), declared...), "declared"
	default:
		win := make([]int, len(spatial))
		for a, s := range spatial {
			d := div(a)
			win[a] = max(d, (s+d-1)/d*d)
		}
		c.Reason = "whole image"
		for prod(win) > maxVoxels {
			a := longest(win, div)
			if a < 0 {
				break // every axis is down to its divisor
			}
			win[a] -= div(a)
			c.Reason = "largest under the budget"
		}
		c.Window = win
	}
	c.Windows = infer.Options{Window: c.Window, Overlap: overlap, Grid: windowGrid(c.Window, divisors)}.WindowCount(spatial)
	c.Whole = c.Windows == 1
	c.BatchSize = max(1, min(max(batch, 1), c.Windows, maxVoxels/max(prod(c.Window), 1)))
	return c
}

// windowGrid is the grid windows are aligned to (infer.Options.Grid): the
// net's divisor per axis, where the window is a multiple of it (1 elsewhere),
// so that every window sees the image on the grid the whole image's
// down-sampling uses.
func windowGrid(window, divisors []int) []int {
	g := make([]int, len(window))
	for a, w := range window {
		g[a] = 1
		if a < len(divisors) && divisors[a] > 0 && w%divisors[a] == 0 {
			g[a] = divisors[a]
		}
	}
	return g
}

// longest returns the axis with the largest extent that can still shrink by its
// divisor, or -1.
func longest(win []int, div func(int) int) int {
	best := -1
	for a, w := range win {
		if w-div(a) >= div(a) && (best < 0 || w > win[best]) {
			best = a
		}
	}
	return best
}

func prod(v []int) int {
	n := 1
	for _, x := range v {
		n *= x
	}
	return n
}
