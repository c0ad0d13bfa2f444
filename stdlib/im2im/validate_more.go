package im2im

import (
	"fmt"

	"github.com/im2im/im2im/ml/framework"
	"github.com/im2im/im2im/ml/infer"
	"github.com/im2im/im2im/ml/loss"
)

// moreProblems checks the fields Validate's main body does not: prediction
// channels and output type, deep supervision with a cost map. r is the resolved
// configuration (the engine validates value ranges: see toFramework).
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
	if u, ok := r.Model.Net.(DynUNet); ok && u.DeepSupervision > 0 && r.Data.CostMap != "" {
		add("model.net.deep_supervision", "the deep-supervision loss takes no cost map, but data.cost_map is %s (set deep_supervision: 0 or remove the cost map)", r.Data.CostMap)
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

// netLoss is the model's loss, wrapped in loss.Deep when the net has deep
// supervision heads (their channels follow the main head's while training).
func netLoss(m FCN) framework.Loss {
	l := m.Loss.build()
	if u, ok := m.Net.(DynUNet); ok && u.DeepSupervision > 0 {
		return loss.Deep{Head: l, OutChannels: u.OutChannels}
	}
	return l
}
