package im2im

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/im2im/im2im/ml/train"
)

// otherNet turns a load error into the explanation a user needs when the
// checkpoint was saved from another net than r declares (see
// train.FitError.OtherNet): which net the config declares, how the variables
// differ and, when the checkpoint sits in a run folder, which net that run
// declared and how to predict with it. Other errors come back as nil.
func otherNet(r Config, checkpoint string, err error) error {
	var fe *train.FitError
	if !errors.As(err, &fe) || !fe.OtherNet() {
		return nil
	}
	msg := fmt.Sprintf("%s belongs to another net than the config's %s", checkpoint, describeNet(r))
	run := filepath.Dir(filepath.Dir(checkpoint)) // RUN/checkpoints/x.ckpt
	cfgPath := filepath.Join(run, "config.yaml")
	hint := "predict with the config it was trained with"
	if _, serr := os.Stat(cfgPath); serr == nil {
		if c, lerr := LoadConfig(cfgPath); lerr == nil {
			msg += fmt.Sprintf(": it was trained as %s (%s)", describeNet(c.Resolved()), cfgPath)
			hint = "predict with --run " + run
		}
	}
	msg += fmt.Sprintf("; %s; %s", fe.Summary(), hint)
	return &ValidationError{Problems: Problems{{Path: "checkpoint", Message: msg}}}
}

// describeNet names the framework and net of a resolved config in a few words.
func describeNet(r Config) string {
	n := r.fcn().Net
	if n == nil {
		return r.Model.Framework()
	}
	c := n.config()
	return fmt.Sprintf("%s with a %dD %s (features %v, norm %s, residual units %d, out_channels %d)",
		r.Model.Framework(), c.Dims, n.Kind(), c.Features, c.Norm, c.NumResUnits, c.OutChannels)
}
