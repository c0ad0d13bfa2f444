package dataset

import (
	"fmt"
	"math"

	"github.com/im2im/im2im/data/array"
	"github.com/im2im/im2im/data/imageio"
)

// Load reads every file of a subject as float32, CYX for dims 2 and CZYX for
// dims 3. Files with more than one time point (T > 1) are refused, as Check
// reports them, rather than silently reduced to their first frame. Its errors
// are *ProblemError (a file is missing, damaged or does not fit).
func Load(s Subject, dims int) (*array.Sample, error) {
	smp, err := load(s, dims)
	return smp, problem(err)
}

// load is Load without the error marking.
func load(s Subject, dims int) (*array.Sample, error) {
	order := map[int]string{2: "CYX", 3: "CZYX"}[dims]
	if order == "" {
		return nil, fmt.Errorf("dataset: dims %d: want 2 or 3", dims)
	}
	out := array.NewSample(s.ID)
	for _, r := range sortedRoles(s) {
		p := s.Files[r]
		img, err := imageio.Open(p)
		if err != nil {
			return nil, fmt.Errorf("dataset: subject %s, %s: %w", s.ID, r, err)
		}
		m := img.Meta()
		if t := m.Shape[0]; t > 1 {
			img.Close()
			return nil, fmt.Errorf("dataset: subject %s, %s: %s has T=%d time points; im2im trains on one time point per file (split it, e.g. `im2im image convert FILE OUT --T n`)", s.ID, r, p, t)
		}
		if dims == 2 && m.Shape[2] != 1 {
			img.Close()
			return nil, fmt.Errorf("dataset: subject %s, %s: %s has Z=%d but the data is declared 2D", s.ID, r, p, m.Shape[2])
		}
		a, err := img.Read(imageio.Selection{Dims: order, T: imageio.At(0)})
		img.Close()
		if err != nil {
			return nil, fmt.Errorf("dataset: subject %s, %s: %w", s.ID, r, err)
		}
		arr, err := array.FromData(a.Float32(), a.Shape...)
		if err != nil {
			return nil, fmt.Errorf("dataset: subject %s, %s: %w", s.ID, r, err)
		}
		if n, first := nonFinite(arr.Data); n > 0 {
			return nil, fmt.Errorf("dataset: subject %s, %s: %s has %d NaN or infinite values (the first at %s %v); training on them makes the loss NaN: replace them or leave the file out",
				s.ID, r, p, n, order, unravel(first, arr.Shape))
		}
		out.Arrays[r] = arr
	}
	if _, err := out.Spatial(); err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	return out, nil
}

// nonFinite counts the NaN and infinite values of v and returns the index of
// the first (-1 when there is none).
func nonFinite(v []float32) (n, first int) {
	first = -1
	for i, f := range v {
		if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
			if n == 0 {
				first = i
			}
			n++
		}
	}
	return n, first
}

// unravel turns a flat C-order index into coordinates of shape.
func unravel(i int, shape []int) []int {
	out := make([]int, len(shape))
	for k := len(shape) - 1; k >= 0; k-- {
		out[k] = i % shape[k]
		i /= shape[k]
	}
	return out
}
