package train

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Progress is what the trainer reports after every step (Phase "train"), every
// validation ("val") and at the end of a run ("done").
type Progress struct {
	Phase string
	// Epoch is the current epoch (1-based) of Epochs.
	Epoch, Epochs int
	// Step counts completed steps of Steps in the whole run.
	Step, Steps int
	// Loss is the last step's loss (of the first objective when the task has
	// several), EpochLoss the mean over this epoch so far.
	Loss, EpochLoss float64
	// Losses has every objective's last loss by name when the task has several
	// (a GAN's generator and discriminator); nil otherwise.
	Losses map[string]float64
	// LR is the learning rate of the last step, GradNorm its gradient norm before clipping.
	LR, GradNorm float64
	// Val holds the validation loss and metrics (Phase "val"), Best says whether
	// they improved the monitored value.
	Val  map[string]float64
	Best bool
	// SamplesPerSec is the recent training throughput.
	SamplesPerSec float64
	// Elapsed since the run (or resume) started and the estimated time left.
	Elapsed, ETA time.Duration
}

// String renders the report as one line.
func (p Progress) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "epoch %d/%d", p.Epoch, p.Epochs)
	switch p.Phase {
	case "val":
		b.WriteString(" val")
		for _, k := range sortedKeys(p.Val) {
			fmt.Fprintf(&b, " %s %.4g", k, p.Val[k])
		}
		if p.Best {
			b.WriteString(" (best)")
		}
	default:
		if len(p.Losses) > 0 {
			fmt.Fprintf(&b, " step %d/%d", p.Step, p.Steps)
			for _, k := range sortedKeys(p.Losses) {
				fmt.Fprintf(&b, " %s loss %.4g", k, p.Losses[k])
			}
			fmt.Fprintf(&b, " lr %.3g", p.LR)
		} else {
			fmt.Fprintf(&b, " step %d/%d loss %.4g (epoch mean %.4g) lr %.3g", p.Step, p.Steps, p.Loss, p.EpochLoss, p.LR)
		}
		if p.SamplesPerSec > 0 {
			fmt.Fprintf(&b, " %.3g samples/s", p.SamplesPerSec)
		}
		if p.Phase == "done" {
			fmt.Fprintf(&b, " done in %s", p.Elapsed.Round(time.Second))
		} else if p.ETA > 0 {
			fmt.Fprintf(&b, " ETA %s", p.ETA.Round(time.Second))
		}
	}
	return b.String()
}

// meter tracks throughput and the time left with an exponential moving average of
// the step duration.
type meter struct {
	start    time.Time
	last     time.Time
	stepTime float64 // seconds, smoothed
	perSec   float64
	// samples and stepSeconds total the run for its mean throughput.
	samples     int
	stepSeconds float64
}

func newMeter() *meter { now := time.Now(); return &meter{start: now, last: now} }

func (m *meter) step(samples int) {
	now := time.Now()
	d := now.Sub(m.last).Seconds()
	m.last = now
	m.samples += samples
	m.stepSeconds += d
	if m.stepTime == 0 {
		m.stepTime = d
	} else {
		m.stepTime = 0.8*m.stepTime + 0.2*d
	}
	if m.stepTime > 0 {
		m.perSec = float64(samples) / m.stepTime
	}
}

// skip excludes time spent outside steps (validation, checkpoints) from the average.
func (m *meter) skip() { m.last = time.Now() }

func (m *meter) eta(stepsLeft int) time.Duration {
	return time.Duration(math.Max(0, m.stepTime*float64(stepsLeft)) * float64(time.Second))
}
