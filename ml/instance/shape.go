package instance

import (
	"fmt"
	"math"
)

// voxels checks a [Z, Y, X] shape (every extent ≥ 1) against an array that should hold
// channels·Z·Y·X values, and returns Z·Y·X. what names the array in the error.
func voxels(shape [3]int, n, channels int, what string) (int, error) {
	v := 1
	for a, d := range shape {
		if d < 1 {
			return 0, fmt.Errorf("instance: %s shape %v: extent %d of axis %d is below 1", what, shape, d, a)
		}
		if d > math.MaxInt32/v {
			return 0, fmt.Errorf("instance: %s shape %v has more than %d voxels", what, shape, math.MaxInt32)
		}
		v *= d
	}
	if v*channels != n {
		if channels == 1 {
			return 0, fmt.Errorf("instance: %s has %d values, shape %v needs %d", what, n, shape, v)
		}
		return 0, fmt.Errorf("instance: %s has %d values, %d channels of shape %v need %d", what, n, channels, shape, v*channels)
	}
	return v, nil
}

// checkNonNegative returns an error naming the first negative label.
func checkNonNegative(labels []int32, what string) error {
	for i, l := range labels {
		if l < 0 {
			return fmt.Errorf("instance: %s has negative label %d at index %d", what, l, i)
		}
	}
	return nil
}
