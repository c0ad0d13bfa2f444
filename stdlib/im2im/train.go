package im2im

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gomlx/gomlx/backends"
	"github.com/im2im/im2im/data/array"
	"github.com/im2im/im2im/data/loader"
	"github.com/im2im/im2im/ml/framework"
	"github.com/im2im/im2im/ml/train"
	"github.com/im2im/im2im/stdlib/display"
)

// Train validates the declaration, prepares the data (discovery, checks, patch
// cache), trains the model with a live progress display (a panel in notebooks, a
// progress line in terminals) and returns the run. The run directory
// (trainer.root/trainer.name) holds config.yaml (the resolved configuration, re-runnable
// as is), run.yaml (seed, versions, backend), metrics.csv and checkpoints/. In a
// cell, training stops when the cell is interrupted.
func Train(data Data, model Model, trainer Trainer) (*Run, error) {
	return TrainConfig(Config{Data: data, Model: model, Trainer: trainer})
}

// TrainConfig is Train for a whole Config (as loaded from YAML).
func TrainConfig(c Config) (*Run, error) {
	return TrainContext(display.Context(), c)
}

// TrainContext is TrainConfig with an explicit context that stops training.
func TrainContext(ctx context.Context, c Config) (*Run, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	r := c.Resolved()
	if err := checkRunFree(r); err != nil {
		return nil, err
	}
	d := r.Data
	p, err := preparePipeline(ctx, r, PrepareOptions{})
	if err != nil {
		return nil, err
	}
	defer p.Close()
	first, err := p.Train.Sample(0) // checked against the declaration by preparePipeline
	if err != nil {
		return nil, err
	}

	run, err := newRun(r)
	if err != nil {
		return nil, err
	}
	b, bname, err := newBackend(r.Trainer.Backend)
	if err != nil {
		return nil, err
	}
	keep := false // the run keeps the backend for Show and Predict once training ran
	defer func() {
		if !keep {
			b.Finalize()
		}
	}()
	run.Backend = bname
	if err := run.writeMeta(); err != nil {
		return nil, err
	}

	if d.Category == "unpair" {
		trainDS, valDS, closeData, err := unpairedData(p, r)
		if err != nil {
			return nil, err
		}
		defer closeData()
		run.sample = unpairedSample(p, d)
		out, err := fit(ctx, r, run, b, trainDS, valDS)
		keep = run.model != nil
		return out, err
	}
	trainLd, sc, err := trainLoader(p, r)
	if err != nil {
		return nil, err
	}
	if trainLd.Steps() == 0 {
		if sc != nil {
			return nil, fmt.Errorf("data.partial.fraction: %d of %d training images × %d patches make no full batch of trainer.batch_size %d", len(sc.Members(0)), p.Train.Len(), d.Patch.PerImage, r.Trainer.BatchSize)
		}
		return nil, fmt.Errorf("data: %d training images × %d patches make no full batch of trainer.batch_size %d", p.Train.Len(), d.Patch.PerImage, r.Trainer.BatchSize)
	}
	trainLDS := framework.NewLoaderDataset(trainLd, d.Input, d.Target)
	trainLDS.CM = d.CostMap
	defer trainLDS.Close()
	var trainDS train.Dataset = trainLDS
	_, instances := r.Model.(EmbedSeg)
	if instances {
		trainDS = framework.EmbedSegData{Dataset: trainLDS}
	}
	var valDS train.Dataset
	if p.Val != nil && p.Val.Len() > 0 {
		valLd, err := loader.New(p.Val, loader.Options{BatchSize: r.Trainer.BatchSize, Workers: 1, Seed: uint64(r.Trainer.Seed), NoShuffle: true, KeepLast: true, Random: p.val})
		if err != nil {
			return nil, err
		}
		vds := framework.NewLoaderDataset(valLd, d.Input, d.Target)
		vds.CM = d.CostMap
		defer vds.Close()
		valDS = vds
		if instances {
			valDS = framework.EmbedSegData{Dataset: vds}
		}
		if s, err := p.Val.Sample(0); err == nil {
			run.sample = s
		}
	}
	if run.sample == nil {
		run.sample = first
	}
	out, err := fit(ctx, r, run, b, trainDS, valDS)
	keep = run.model != nil
	return out, err
}

// fit trains the resolved config's model on the prepared datasets, with the
// live panel, into run (which keeps the backend b once run.model is set).
func fit(ctx context.Context, r Config, run *Run, b backends.Backend, trainDS, valDS train.Dataset) (*Run, error) {
	live := newLive(run, !r.Trainer.Quiet)
	live.hasVal = valDS != nil
	f, err := r.Model.engine(r, filepath.Join(run.Dir, "checkpoints"), live.progress)
	if err != nil {
		return nil, err
	}
	m, err := framework.New(b, f)
	if err != nil {
		return nil, err
	}
	run.model = m
	live.model = m
	start := time.Now()
	res, err := m.Train(ctx, trainDS, valDS)
	if rc, ok := b.(interface{ ReleaseCaches() }); ok {
		rc.ReleaseCaches() // the run keeps the backend; not the step's recycled buffers
	}
	run.Result = res
	if res != nil {
		if werr := run.writeMetrics(); werr != nil && err == nil {
			err = werr
		}
	}
	live.finish(err)
	if err != nil {
		return run, fmt.Errorf("train %s: %w", run.Dir, err)
	}
	run.Elapsed = time.Since(start)
	return run, nil
}

// checkData compares the first training sample with the declaration.
func checkData(r Config, s *array.Sample) error {
	var ps Problems
	d, net, seg := r.Data, r.fcn().Net.config(), r.Model.labels()
	in, ok := s.Arrays[d.Input]
	gt, gtOK := s.Arrays[d.Target]
	unpaired := d.Category == "unpair" // a sample holds one domain: IM or GT
	if !ok && (!unpaired || !gtOK) {
		ps.Add("data.input", "sample %s has no %q image (has %v)", s.ID, d.Input, s.Keys())
	}
	if !gtOK && !unpaired {
		ps.Add("data.target", "sample %s has no %q image (has %v)", s.ID, d.Target, s.Keys())
	}
	if d.CostMap != "" {
		if _, ok := s.Arrays[d.CostMap]; !ok {
			ps.Add("data.cost_map", "sample %s has no %q image (has %v)", s.ID, d.CostMap, s.Keys())
		}
	}
	if in != nil && unpaired && in.Shape[0] != net.OutChannels {
		ps.Add("model."+r.Model.netKey()+".out_channels", "%d but the domain A images of %s have %d channels (both domains need the generators' channel count)", net.OutChannels, s.ID, in.Shape[0])
	}
	if in != nil {
		if c := net.InChannels; c > 0 && in.Shape[0] != c {
			ps.Add("model."+r.Model.netKey()+".in_channels", "%d but the %s images of %s have %d channels", c, d.Input, s.ID, in.Shape[0])
		}
		sp := in.Shape[1:]
		for i := range sp {
			if i < len(d.Patch.Size) && d.Patch.Size[i] > sp[i] {
				ps.Add(fmt.Sprintf("data.patch.size[%d]", i), "%d is larger than image %s (%v)", d.Patch.Size[i], s.ID, sp)
			}
		}
	}
	if _, instances := r.Model.(EmbedSeg); gt != nil && instances {
		// The cached chain made the target [instances, centres] (embedsegTargets
		// refuses label images of several channels with the file's name).
		if err := checkInstanceIDs(gt.Data[:len(gt.Data)/max(1, gt.Shape[0])]); err != nil {
			ps.Add("data.target", "%s: %v", s.ID, err)
		}
	} else if gt != nil {
		out := net.OutChannels
		if seg {
			if gt.Shape[0] != 1 {
				ps.Add("data.target", "segmentation targets must have 1 channel of labels, %s has %d", s.ID, gt.Shape[0])
			}
			maxLabel := float32(0)
			for _, v := range gt.Data {
				maxLabel = max(maxLabel, v)
			}
			if classes := max(out, 2); int(maxLabel) >= classes {
				ps.Add("model."+r.Model.netKey()+".out_channels", "%d classes but target %s has label %v", out, s.ID, maxLabel)
			}
		} else if gt.Shape[0] != out {
			ps.Add("model."+r.Model.netKey()+".out_channels", "%d but the %s images of %s have %d channels", out, d.Target, s.ID, gt.Shape[0])
		}
	}
	if len(ps) > 0 {
		return &ValidationError{Problems: ps}
	}
	return nil
}

func mkdirs(dirs ...string) error {
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	return nil
}
