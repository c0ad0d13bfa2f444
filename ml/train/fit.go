package train

import (
	stdctx "context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// Result summarises a Fit call.
type Result struct {
	// History has one record per completed epoch; StepLosses the loss of every step
	// (both including the epochs before a resume).
	History    []EpochRecord
	StepLosses []float64
	// Monitor is the monitored validation value; Best its best value, reached after
	// epoch BestEpoch (HasBest false without validation).
	Monitor   string
	Best      float64
	HasBest   bool
	BestEpoch int
	// Stopped says why training ended before the last epoch ("" when it did not).
	Stopped string
	// ResumedAt is the step a resumed run continued from (-1 when not resumed).
	ResumedAt int
	// Init reports the weights loaded from Config.InitFrom.
	Init LoadReport
	// LastCheckpoint and BestCheckpoint are the files written ("" without Config.Dir).
	LastCheckpoint, BestCheckpoint string
	// Elapsed is the wall time of this Fit call; SamplesPerSec its mean training
	// throughput (steps only, not validation or checkpoints).
	Elapsed       time.Duration
	SamplesPerSec float64
}

func (t *Trainer) result() *Result {
	st := t.State()
	r := &Result{History: st.History, StepLosses: st.StepLosses, Monitor: t.cfg.Monitor,
		Best: st.Best, HasBest: st.HasBest, BestEpoch: st.BestEpoch, ResumedAt: -1}
	if t.cfg.Dir != "" {
		r.LastCheckpoint = filepath.Join(t.cfg.Dir, "last.ckpt")
		if st.HasBest {
			r.BestCheckpoint = filepath.Join(t.cfg.Dir, "best.ckpt")
		}
	}
	return r
}

// minimize says whether lower values of the monitored quantity are better.
func (t *Trainer) minimize() bool {
	for _, m := range t.task.Metrics {
		if m.Name == t.cfg.Monitor {
			return !m.HigherIsBetter
		}
	}
	return true
}

// Fit trains on train for Config.Epochs epochs, validating on val (may be nil)
// every Config.ValEvery epochs. It continues from the trainer's current step, or
// from Dir/last.ckpt with Config.Resume. It returns within one step of ctx being
// cancelled, after saving last.ckpt, with an error wrapping ctx.Err(); a later Fit
// continues from there. A non-finite loss or gradient stops training with an error;
// that step's update is not applied and the checkpoints on disk are left as they were.
func (t *Trainer) Fit(ctx stdctx.Context, train, val Dataset) (*Result, error) {
	if train == nil || train.Len() == 0 {
		return nil, fmt.Errorf("train: no training batches")
	}
	if val != nil && val.Len() == 0 {
		val = nil
	}
	steps := train.Len()
	total := steps * t.cfg.Epochs
	lastPath, bestPath := "", ""
	if t.cfg.Dir != "" {
		lastPath, bestPath = filepath.Join(t.cfg.Dir, "last.ckpt"), filepath.Join(t.cfg.Dir, "best.ckpt")
	}

	removeStaleTemps(t.cfg.Dir)
	var resume *Checkpoint
	if t.cfg.Resume && t.state.Step == 0 {
		if _, err := os.Stat(lastPath); err == nil {
			c, err := ReadCheckpoint(lastPath)
			if err != nil {
				return nil, err
			}
			if c.State.StepsPerEpoch != steps {
				return nil, fmt.Errorf("train: resume from %s: it was trained with %d batches per epoch, the data now gives %d",
					lastPath, c.State.StepsPerEpoch, steps)
			}
			resume = c
		} else if !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("train: resume: %w", err)
		}
	}
	res := t.result()
	if resume != nil {
		if _, err := resume.loadInto(t.ctx, loadResume, lastPath); err != nil {
			return nil, err
		}
		t.frozen = map[string]bool{}
		for _, vi := range resume.Vars {
			if !vi.Trainable {
				t.frozen[vi.Name] = true
			}
		}
		t.ctx.SetLoader(&resumeLoader{c: resume, used: map[string]bool{}})
		t.state = resume.State
		res.ResumedAt = t.state.Step
	}
	epoch0 := t.state.Step / steps
	first, err := train.Batch(epoch0, t.state.Step%steps)
	if err != nil {
		return nil, fmt.Errorf("train: batch %d of epoch %d: %w", t.state.Step%steps, epoch0+1, err)
	}
	if err := t.checkBatch(first); err != nil {
		return nil, fmt.Errorf("train: batch %d of epoch %d: %w", t.state.Step%steps, epoch0+1, err)
	}
	freshStart := !t.ready
	if err := t.prepare(toTensor(first.X)); err != nil {
		return nil, err
	}
	if freshStart && resume == nil && t.cfg.InitFrom != "" {
		c, err := t.initCheckpoint()
		if err != nil {
			return nil, err
		}
		if t.cfg.InitInto != "" {
			if res.Init, err = c.loadScoped(t.ctx, t.cfg.InitInto, t.cfg.InitFrom); err != nil {
				return nil, err
			}
		} else if res.Init, err = c.loadInto(t.ctx, loadMatching, t.cfg.InitFrom); err != nil {
			return nil, err
		}
		if len(res.Init.Loaded) == 0 {
			return nil, fmt.Errorf("train: init_from %s: no weight matches the model by name and shape", t.cfg.InitFrom)
		}
		if err := t.checkInitWeights(res.Init); err != nil {
			return nil, err
		}
	}
	t.state.StepsPerEpoch = steps

	m := newMeter()
	report := func(p Progress) {
		if t.cfg.Progress != nil {
			t.cfg.Progress(p)
		}
	}
	savedBest := false // best.ckpt was written at this epoch's end
	save := func(path string) error {
		if path == "" {
			return nil
		}
		if path == lastPath && savedBest {
			// Nothing changed since best.ckpt was written: the same file, a second name.
			savedBest = false
			if linkCheckpoint(bestPath, lastPath) == nil {
				return nil
			}
		}
		savedBest = path == bestPath
		return writeCheckpoint(path, t.ctx, t.state)
	}
	finish := func() *Result {
		r := t.result()
		r.Init, r.ResumedAt, r.Stopped = res.Init, res.ResumedAt, res.Stopped
		r.Elapsed = time.Since(m.start)
		if m.stepSeconds > 0 {
			r.SamplesPerSec = float64(m.samples) / m.stepSeconds
		}
		return r
	}
	var lr, loss, norm float64
	for t.state.Step < total {
		if err := ctx.Err(); err != nil {
			if serr := save(lastPath); serr != nil {
				return finish(), fmt.Errorf("train: cancelled at step %d, and saving failed: %w", t.state.Step, serr)
			}
			return finish(), fmt.Errorf("train: cancelled at step %d: %w", t.state.Step, err)
		}
		epoch, i := t.state.Step/steps, t.state.Step%steps
		b, err := train.Batch(epoch, i)
		if err != nil {
			return finish(), fmt.Errorf("train: batch %d of epoch %d: %w", i, epoch+1, err)
		}
		if err := t.checkBatch(b); err != nil {
			return finish(), fmt.Errorf("train: batch %d of epoch %d: %w", i, epoch+1, err)
		}
		args := []*tensors.Tensor{toTensor(b.X), toTensor(b.Y)}
		exec := t.trainExec
		if b.W.Data != nil {
			args, exec = append(args, toTensor(b.W)), t.trainWExec
		}
		args = append(args, tensors.FromScalar(float32(t.state.Step+1)))
		for k, o := range t.task.Objectives {
			olr := learningRate(t.cfg.objectiveConfig(o), t.state.Step, epoch, total, t.state.Plateau)
			if k == 0 {
				lr = olr
			}
			args = append(args, tensors.FromScalar(float32(olr)))
		}
		out, err := t.execStep(exec, args)
		if err != nil {
			return finish(), fmt.Errorf("train: step %d (epoch %d, batch %d): %w", t.state.Step+1, epoch+1, i, err)
		}
		if resume != nil {
			// The first step created the optimizer state from the checkpoint.
			t.ctx.SetLoader(nil)
			if err := resume.verifyResume(t.ctx, lastPath); err != nil {
				return finish(), err
			}
			resume = nil
		}
		loss, norm = scalarOf(out[0]), scalarOf(out[1])
		var losses map[string]float64
		finite := true
		for k := 0; k < len(out); k += 2 {
			l, n := scalarOf(out[k]), scalarOf(out[k+1])
			finite = finite && !math.IsNaN(l) && !math.IsInf(l, 0) && !math.IsNaN(n) && !math.IsInf(n, 0)
			if len(out) > 2 {
				if losses == nil {
					losses = map[string]float64{}
				}
				losses[t.task.Objectives[k/2].Name] = l
			}
		}
		if !finite {
			if losses != nil {
				loss = math.NaN()
			}
			where := "no checkpoint was written (trainer.dir is empty)"
			if lastPath != "" {
				if _, err := os.Stat(lastPath); err == nil {
					where = "the last good checkpoint is kept at " + lastPath
				} else {
					where = "no checkpoint had been written yet"
				}
			}
			what := fmt.Sprintf("loss is %v, gradient norm %v", loss, norm)
			if losses != nil {
				what = ""
				for k := 0; k < len(out); k += 2 {
					what += fmt.Sprintf("%s loss %v, gradient norm %v; ", t.task.Objectives[k/2].Name, scalarOf(out[k]), scalarOf(out[k+1]))
				}
				what = strings.TrimSuffix(what, "; ")
			}
			return finish(), fmt.Errorf("train: step %d (epoch %d, batch %d): %s; "+
				"training stopped without applying this step, %s", t.state.Step+1, epoch+1, i, what, where)
		}
		t.state.Step++
		t.state.StepLosses = append(t.state.StepLosses, loss)
		t.state.EpochLossSum += loss
		t.state.EpochLossN++
		m.step(b.X.Shape[0])
		report(Progress{Phase: "train", Epoch: epoch + 1, Epochs: t.cfg.Epochs, Step: t.state.Step, Steps: total,
			Loss: loss, Losses: losses, EpochLoss: t.state.EpochLossSum / float64(t.state.EpochLossN), LR: lr, GradNorm: norm,
			SamplesPerSec: m.perSec, Elapsed: time.Since(m.start), ETA: m.eta(total - t.state.Step)})
		endOfEpoch := i == steps-1
		if !endOfEpoch {
			if t.cfg.SaveEverySteps > 0 && t.state.Step%t.cfg.SaveEverySteps == 0 {
				if err := save(lastPath); err != nil {
					return finish(), err
				}
				m.skip()
			}
			continue
		}
		stop, err := t.endEpoch(ctx, val, lr, report, save, bestPath)
		if err != nil {
			if ctx.Err() != nil {
				// Cancelled during validation: the epoch is recorded unvalidated.
				if serr := save(lastPath); serr != nil {
					return finish(), fmt.Errorf("%w (and saving failed: %v)", err, serr)
				}
			}
			return finish(), err
		}
		if err := save(lastPath); err != nil {
			return finish(), err
		}
		m.skip()
		if stop != "" {
			res.Stopped = stop
			break
		}
	}
	last := Progress{Phase: "done", Epoch: t.state.Epoch, Epochs: t.cfg.Epochs, Step: t.state.Step, Steps: total,
		Loss: loss, LR: lr, SamplesPerSec: m.perSec, Elapsed: time.Since(m.start)}
	if n := len(t.state.History); n > 0 {
		last.EpochLoss = t.state.History[n-1].TrainLoss
	}
	report(last)
	return finish(), nil
}

// endEpoch closes an epoch: records it, validates when due, updates the best value,
// early stopping and the plateau schedule, and writes best.ckpt on improvement. It
// returns a reason when training should stop.
func (t *Trainer) endEpoch(ctx stdctx.Context, val Dataset, lr float64, report func(Progress), save func(string) error, bestPath string) (string, error) {
	st := &t.state
	rec := EpochRecord{Epoch: st.Epoch + 1, LR: lr}
	if st.EpochLossN > 0 {
		rec.TrainLoss = st.EpochLossSum / float64(st.EpochLossN)
	}
	st.Epoch++
	st.EpochLossSum, st.EpochLossN = 0, 0
	validate := val != nil && (st.Epoch%t.cfg.ValEvery == 0 || st.Epoch == t.cfg.Epochs)
	stop := ""
	if validate {
		v, err := t.EvaluateContext(ctx, val)
		if err != nil {
			st.History = append(st.History, rec)
			return "", err
		}
		rec.Validated, rec.Val = true, v
		value := v[t.cfg.Monitor]
		min := t.minimize()
		better := !math.IsNaN(value) && (!st.HasBest || improved(value, st.Best, min, 0))
		if better {
			st.Best, st.HasBest, st.BestEpoch, st.BadValidations = value, true, st.Epoch, 0
		} else {
			st.BadValidations++
		}
		if t.cfg.Schedule.Kind == "plateau" {
			observePlateau(t.cfg.Schedule, &st.Plateau, value, min, t.cfg.Optimizer.LR)
		}
		st.History = append(st.History, rec)
		if better {
			if err := save(bestPath); err != nil {
				return "", err
			}
		}
		report(Progress{Phase: "val", Epoch: st.Epoch, Epochs: t.cfg.Epochs, Step: st.Step,
			Steps: st.StepsPerEpoch * t.cfg.Epochs, Val: v, Best: better, LR: lr})
		if t.cfg.Patience > 0 && st.BadValidations >= t.cfg.Patience {
			stop = fmt.Sprintf("early stopping after epoch %d: %s did not improve for %d validations (best %.4g after epoch %d)",
				st.Epoch, t.cfg.Monitor, st.BadValidations, st.Best, st.BestEpoch)
		}
		return stop, nil
	}
	st.History = append(st.History, rec)
	return "", nil
}

// removeStaleTemps deletes temporary checkpoint files left in dir by a run killed
// while writing (the checkpoints themselves are always complete: see writeFileAtomic).
func removeStaleTemps(dir string) {
	if dir == "" {
		return
	}
	for _, name := range []string{"last.ckpt", "best.ckpt"} {
		stale, _ := filepath.Glob(filepath.Join(dir, "."+name+".tmp-*"))
		for _, f := range stale {
			os.Remove(f)
		}
	}
}
