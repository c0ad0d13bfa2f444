package im2im

import (
	"fmt"

	"github.com/im2im/im2im/ml/framework"
	"github.com/im2im/im2im/ml/infer"
)

// moreProblems checks the fields Validate's main body does not: prediction
// channels and output type. r is the resolved configuration.
func moreProblems(r Config) []string {
	var errs []string
	add := func(path, format string, args ...any) {
		errs = append(errs, path+": "+fmt.Sprintf(format, args...))
	}
	p := r.Model.Predict
	seen := map[int]bool{}
	for i, ch := range p.Channels {
		if ch < 0 {
			add(fmt.Sprintf("model.predict.channels[%d]", i), "must not be negative, got %d", ch)
		}
		if seen[ch] {
			add(fmt.Sprintf("model.predict.channels[%d]", i), "channel %d is selected twice", ch)
		}
		seen[ch] = true
	}
	if in := r.Model.Net.inChannels(); in > 0 && len(p.Channels) > 0 && len(p.Channels) != in {
		add("model.predict.channels", "selects %d channel(s) %v but model.net.in_channels is %d", len(p.Channels), p.Channels, in)
	}
	if dt, err := predictDType(r.Model); err != nil {
		errs = append(errs, err.Error())
	} else if err := checkPredictDType(r.Model, dt); err != nil {
		errs = append(errs, err.Error())
	}
	return errs
}

// checkPredictDType refuses output types that would lose the prediction:
// integer probabilities (all 0 or 1) and labels beyond the type's range.
func checkPredictDType(m FCN, dt infer.DType) error {
	p := m.Predict
	switch {
	case p.Output == framework.OutputProb && dt != infer.Float32:
		return fmt.Errorf("model.predict.dtype: %v would round probabilities in [0, 1] to 0 or 1: use float32, or model.predict.output: labels", dt)
	case p.Output == framework.OutputLabels && dt == infer.Uint8 && maxLabel(m.Net) > 255:
		return fmt.Errorf("model.predict.dtype: uint8 holds labels up to 255, but the net's %d output channels give labels up to %d: use uint16", m.Net.outChannels(), maxLabel(m.Net))
	}
	return nil
}
