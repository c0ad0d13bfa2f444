package train

import "math"

// PlateauState is the state of a "plateau" schedule, saved in checkpoints.
type PlateauState struct {
	// Scale multiplies the base learning rate (starts at 1).
	Scale float64
	// Best is the best monitored value seen; Bad counts validations since it improved.
	Best float64
	Bad  int
	// Seen says whether Best holds a value.
	Seen bool
}

// learningRate returns the rate for global step (0-based) of epoch (0-based) out of
// totalSteps, for a configuration with defaults applied.
func learningRate(c Config, step, epoch, totalSteps int, p PlateauState) float64 {
	base := c.Optimizer.LR
	s := c.Schedule
	switch s.Kind {
	case "exponential":
		return base * math.Pow(s.Gamma, float64(epoch))
	case "cosine":
		if step < s.WarmupSteps {
			return base * float64(step+1) / float64(s.WarmupSteps)
		}
		span := totalSteps - s.WarmupSteps
		if span <= 0 {
			return base
		}
		frac := math.Min(1, float64(step-s.WarmupSteps)/float64(span))
		return s.MinLR + 0.5*(base-s.MinLR)*(1+math.Cos(math.Pi*frac))
	case "plateau":
		scale := p.Scale
		if scale == 0 {
			scale = 1
		}
		return math.Max(base*scale, s.MinLR)
	}
	return base
}

// observePlateau updates a plateau schedule with a validation value (lower is better
// when minimize) and reports whether the rate was reduced.
func observePlateau(s Schedule, p *PlateauState, value float64, minimize bool, base float64) bool {
	if p.Scale == 0 {
		p.Scale = 1
	}
	if !p.Seen || improved(value, p.Best, minimize, s.Threshold) {
		p.Best, p.Seen, p.Bad = value, true, 0
		return false
	}
	p.Bad++
	if p.Bad <= s.Patience {
		return false
	}
	p.Bad = 0
	if base*p.Scale <= s.MinLR {
		return false
	}
	p.Scale *= s.Factor
	return true
}

// improved reports whether value beats best by the relative threshold.
func improved(value, best float64, minimize bool, threshold float64) bool {
	if minimize {
		return value < best-math.Abs(best)*threshold
	}
	return value > best+math.Abs(best)*threshold
}
