package bench

import "slices"

// Result is one side's timing of the timed steps.
type Result struct {
	Median, Min, Max float64 // seconds per step
	N                int     // timed steps
	CPUPerStep       float64 // process CPU seconds per timed step (0 if unknown)
	// Params counts each net's trainable parameters by name ("generator",
	// "discriminator"; nil when not reported).
	Params map[string]int64
}

// Summarize returns the median, minimum and maximum of step times ts (not empty).
func Summarize(ts []float64) Result {
	s := slices.Clone(ts)
	slices.Sort(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return Result{Median: med, Min: s[0], Max: s[len(s)-1], N: len(s)}
}
