package bench

import (
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
	targets     Targets
	validated   bool
	now         func() time.Time
}

// NewTTDClock starts a clock of the Dice targets (DiceTargets) now.
func NewTTDClock() *TTDClock { return newTTDClock(DiceTargets(), time.Now) }

// NewTargetsClock starts a clock of the given targets now.
func NewTargetsClock(t Targets) *TTDClock { return newTTDClock(t, time.Now) }

func newTTDClock(targets Targets, now func() time.Time) *TTDClock {
	t := now()
	return &TTDClock{start: t, last: t, now: now, cpu0: ProcessCPUSeconds(), targets: targets,
		res: TTDResult{Reached: map[string]Reached{}}}
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

// Validated records a validation value (the targets' metric) after step and
// returns whether every target is reached.
func (c *TTDClock) Validated(step int, value float64) bool {
	t := c.now()
	c.last = t
	wall := t.Sub(c.start).Seconds()
	if !c.validated || value > c.res.Best {
		c.res.Best, c.validated = value, true
	}
	for i, k := range c.targets.Keys {
		if _, ok := c.res.Reached[k]; !ok && value >= c.targets.Values[i] {
			c.res.Reached[k] = Reached{Step: step, TrainS: round1(c.res.TrainS), WallS: round1(wall)}
		}
	}
	return len(c.res.Reached) == len(c.targets.Keys)
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

// FormatTTD renders one side's result of `bench ttd` as a RESULT line (the
// Dice targets' Format).
func FormatTTD(side string, r TTDResult) string { return DiceTargets().Format(side, r) }

// TTDRatios returns, per Dice target both sides reached, ours/torch of the
// wall seconds to it (keyed as Reached).
func TTDRatios(ours, torch TTDResult) map[string]float64 { return DiceTargets().Ratios(ours, torch) }
