package bench

import (
	"fmt"
	"strconv"
	"time"
)

// Reached is when a time-to-quality run first validated at or above a target.
type Reached struct {
	Step   int     `json:"step"`
	TrainS float64 `json:"train_s"` // training seconds (steps only, validation excluded)
	WallS  float64 `json:"wall_s"`  // wall seconds, validation included
}

// TTDResult is one side's time-to-quality run.
type TTDResult struct {
	Steps       int                `json:"steps"`
	TrainS      float64            `json:"train_s"`
	WallS       float64            `json:"wall_s"`
	MedianStepS float64            `json:"median_step_s"`
	EvalEvery   int                `json:"eval_every"`
	Reached     map[string]Reached `json:"reached"` // by target as train.py writes it ("0.8", "0.9", "0.95")
	Best        float64            `json:"best_val_dice"`
	Params      int64              `json:"-"`
	// StartS is what our wall time includes before the first step ends (data
	// preparation, compilation, the first step); PyTorch's excludes its start.
	StartS float64 `json:"-"`
	// CPUS is the process CPU seconds of the run (0: unknown; PyTorch's include
	// its start-up).
	CPUS float64 `json:"-"`
}

// TargetKey is the key of target t in TTDResult.Reached ("0.8", "0.95").
func TargetKey(t float64) string { return strconv.FormatFloat(t, 'f', -1, 64) }

// TTDClock times our side of a time-to-quality run from the trainer's progress:
// Step after every training step, Validated after every validation. Training
// seconds are the intervals ending at a step (so they include per-epoch work
// such as checkpoints after a validation, and the data loader's waits), the
// wall clock runs from NewTTDClock.
type TTDClock struct {
	start, last time.Time
	cpu0        float64
	stepTimes   []float64
	res         TTDResult
	now         func() time.Time
}

// NewTTDClock starts a clock now.
func NewTTDClock() *TTDClock { return newTTDClock(time.Now) }

func newTTDClock(now func() time.Time) *TTDClock {
	t := now()
	return &TTDClock{start: t, last: t, now: now, cpu0: ProcessCPUSeconds(), res: TTDResult{Reached: map[string]Reached{}}}
}

// Step records the end of training step step (1-based).
func (c *TTDClock) Step(step int) {
	t := c.now()
	dt := t.Sub(c.last).Seconds()
	if step == 1 {
		c.res.StartS = t.Sub(c.start).Seconds()
	}
	c.stepTimes = append(c.stepTimes, dt)
	c.res.TrainS += dt
	c.res.Steps = step
	c.last = t
}

// Validated records a validation Dice after step and returns whether every
// target is reached.
func (c *TTDClock) Validated(step int, dice float64) bool {
	t := c.now()
	c.last = t
	wall := t.Sub(c.start).Seconds()
	c.res.Best = max(c.res.Best, dice)
	for _, tg := range TTDTargets {
		k := TargetKey(tg)
		if _, ok := c.res.Reached[k]; !ok && dice >= tg {
			c.res.Reached[k] = Reached{Step: step, TrainS: round1(c.res.TrainS), WallS: round1(wall)}
		}
	}
	return len(c.res.Reached) == len(TTDTargets)
}

// TrainSeconds is the training time so far.
func (c *TTDClock) TrainSeconds() float64 { return c.res.TrainS }

// Result returns the run's summary (wall time up to now).
func (c *TTDClock) Result() TTDResult {
	r := c.res
	r.WallS = c.now().Sub(c.start).Seconds()
	if cpu := ProcessCPUSeconds(); cpu >= 0 && c.cpu0 >= 0 {
		r.CPUS = cpu - c.cpu0
	}
	if len(c.stepTimes) > 0 {
		r.MedianStepS = Summarize(c.stepTimes).Median
	}
	return r
}

func round1(v float64) float64 { return float64(int64(v*10+0.5)) / 10 }

// FormatTTD renders one side's result as a RESULT line: steps, training and wall
// seconds to every target ("-" where not reached), the median step, the best Dice.
func FormatTTD(side string, r TTDResult) string {
	s := fmt.Sprintf("RESULT %s steps=%d train_s=%.1f wall_s=%.1f cpu_s=%.1f median_step_s=%.3f best_dice=%.4f", side, r.Steps, r.TrainS, r.WallS, r.CPUS, r.MedianStepS, r.Best)
	for _, tg := range TTDTargets {
		if x, ok := r.Reached[TargetKey(tg)]; ok {
			s += fmt.Sprintf(" dice%s=step %d/%.1fs/%.1fs", TargetKey(tg), x.Step, x.TrainS, x.WallS)
		} else {
			s += fmt.Sprintf(" dice%s=-", TargetKey(tg))
		}
	}
	return s
}

// TTDRatios returns, per target both sides reached, ours/torch of the wall
// seconds to it (keyed as Reached).
func TTDRatios(ours, torch TTDResult) map[string]float64 {
	out := map[string]float64{}
	for _, tg := range TTDTargets {
		k := TargetKey(tg)
		a, okA := ours.Reached[k]
		b, okB := torch.Reached[k]
		if okA && okB && b.WallS > 0 {
			out[k] = a.WallS / b.WallS
		}
	}
	return out
}
