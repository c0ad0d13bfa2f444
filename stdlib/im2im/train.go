package im2im

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/gomlx/gomlx/backends"
	"github.com/im2im/im2im/data/loader"
	"github.com/im2im/im2im/data/store"
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
	var po PrepareOptions
	if !r.Trainer.Quiet {
		po.Progress = store.TextProgress(os.Stderr, "patch store "+d.Store)
		if inCell() { // a notebook keeps every line: say only the end, on stdout (stderr shows as an error box)
			po.Progress = storeSummary(os.Stdout, "patch store "+d.Store)
		}
	}
	p, err := preparePipeline(ctx, r, po)
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
	if r.Trainer.Resume {
		fmt.Fprintln(os.Stderr, resumeNote(run.Dir))
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
	if isPackage(r.Trainer.InitFrom) {
		if f, err = withPackageInit(f, r.Trainer.InitFrom); err != nil {
			return nil, err
		}
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

func mkdirs(dirs ...string) error {
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	return nil
}

// storeSummary reports a store build in one line, at its end.
func storeSummary(w io.Writer, label string) func(done, total int) {
	var mu sync.Mutex
	first := -1
	return func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		if first < 0 {
			first = done
		}
		if done != total {
			return
		}
		if first == total {
			fmt.Fprintf(w, "%s: all %d samples already stored\n", label, total)
		} else {
			fmt.Fprintf(w, "%s: %d of %d samples stored now\n", label, total-first, total)
		}
	}
}
