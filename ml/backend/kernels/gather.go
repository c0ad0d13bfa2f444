package kernels

import "fmt"

// GatherElements writes out[i] = table[idx[i]] with each index clamped to [0,
// len(table)) (XLA's Gather clamps start indices so that the slice fits). Large outputs
// are split over the workers.
func GatherElements(out, table []float32, idx []int32) error {
	if len(idx) != len(out) {
		return fmt.Errorf("kernels.GatherElements: %d indices for %d outputs", len(idx), len(out))
	}
	if len(table) == 0 {
		return fmt.Errorf("kernels.GatherElements: empty table")
	}
	hi := int32(len(table) - 1)
	forRows(len(out), 1, func(i0, i1 int) {
		o, ix := out[i0:i1], idx[i0:i1]
		for i, k := range ix {
			o[i] = table[min(max(k, 0), hi)]
		}
	})
	return nil
}

// ScatterAddElements writes out = base, then adds updates[i] at out[idx[i]] in order of
// i; indices outside [0, len(out)) are skipped (XLA's Scatter semantics). It runs on one
// goroutine so that every sum is formed in the same order.
func ScatterAddElements(out, base, updates []float32, idx []int32) error {
	if len(base) != len(out) {
		return fmt.Errorf("kernels.ScatterAddElements: operand of %d elements for an output of %d", len(base), len(out))
	}
	if len(idx) != len(updates) {
		return fmt.Errorf("kernels.ScatterAddElements: %d indices for %d updates", len(idx), len(updates))
	}
	copy(out, base)
	n := uint32(len(out))
	for i, k := range idx {
		if uint32(k) < n {
			out[k] += updates[i]
		}
	}
	return nil
}
