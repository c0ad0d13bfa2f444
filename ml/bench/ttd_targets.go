package bench

import (
	"fmt"
	"strconv"
)

// Targets are the validation values of one metric (higher is better) whose
// first reaching a time-to-quality run records, each under a key (the key of
// TTDResult.Reached and of the reference scripts' JSON).
type Targets struct {
	Metric string    // the validation metric ("dice", "psnr")
	Values []float64 // the targets, in increasing order
	Keys   []string  // one key per value
}

// DiceTargets are the targets of `im2im bench ttd`: val Dice 0.80, 0.90 and
// 0.95 (TTDTargets), keyed as train.py writes them ("0.8", "0.9", "0.95").
func DiceTargets() Targets {
	t := Targets{Metric: "dice", Values: TTDTargets}
	for _, v := range TTDTargets {
		t.Keys = append(t.Keys, TargetKey(v))
	}
	return t
}

// GainTargets are targets base+gain for each gain (e.g. PSNR gains in dB over
// the noisy input), keyed "+<gain>dB" ("+4dB").
func GainTargets(metric string, base float64, gains []float64) Targets {
	t := Targets{Metric: metric}
	for _, g := range gains {
		t.Values = append(t.Values, base+g)
		t.Keys = append(t.Keys, "+"+strconv.FormatFloat(g, 'f', -1, 64)+"dB")
	}
	return t
}

// Format renders one side's result as a RESULT line: steps, training and wall
// seconds to every target ("-" where not reached), the median step, the best
// validation value.
func (t Targets) Format(side string, r TTDResult) string {
	s := fmt.Sprintf("RESULT %s steps=%d train_s=%.1f wall_s=%.1f cpu_s=%.1f median_step_s=%.3f best_%s=%.4f",
		side, r.Steps, r.TrainS, r.WallS, r.CPUS, r.MedianStepS, t.Metric, r.Best)
	for _, k := range t.Keys {
		if x, ok := r.Reached[k]; ok {
			s += fmt.Sprintf(" %s%s=step %d/%.1fs/%.1fs", t.Metric, k, x.Step, x.TrainS, x.WallS)
		} else {
			s += fmt.Sprintf(" %s%s=-", t.Metric, k)
		}
	}
	return s
}

// Ratios returns, per target both sides reached, ours/torch of the wall
// seconds to it (keyed as Reached).
func (t Targets) Ratios(ours, torch TTDResult) map[string]float64 {
	out := map[string]float64{}
	for _, k := range t.Keys {
		a, okA := ours.Reached[k]
		b, okB := torch.Reached[k]
		if okA && okB && b.WallS > 0 {
			out[k] = a.WallS / b.WallS
		}
	}
	return out
}
