package train

import (
	"fmt"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/distributed"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// This file is data-parallel training (Config.Devices > 1): every training step
// splits its batch over the devices of one backend, GoMLX's AutoSharding (XLA's
// Shardy partitioner) replicates the variables and all-reduces the gradients, so
// the step is the same program as on one device, batch statistics included.
// Validation and prediction stay on the first device.
//
// UNTESTED: no machine with several accelerators has been lent yet; only the
// checks, the batch splitting and the one-device error are tested. GoMLX v0.26.0
// runs several devices on XLA only (simplego and our CPU backends have one).

// meshAxis names the one axis of the device mesh: the batch is split along it.
const meshAxis = "data"

// dataParallel splits training steps over devices.
type dataParallel struct {
	n          int
	mesh       *distributed.DeviceMesh
	batch      *distributed.ShardingSpec // axis 0 split over the mesh, the rest whole
	replicated *distributed.ShardingSpec
}

// newDataParallel returns nil for devices ≤ 1 (one device: the plain path), and
// an error naming trainer.devices when the backend has fewer devices than asked.
func newDataParallel(be backends.Backend, devices int) (*dataParallel, error) {
	if devices <= 1 {
		return nil, nil
	}
	if have := be.NumDevices(); have < devices {
		return nil, fmt.Errorf("trainer.devices: %d devices asked for, but backend %s has %d; data-parallel "+
			"training needs an XLA backend with several devices (GPUs), set trainer.devices to 1 (or 0) otherwise",
			devices, be.String(), have)
	}
	return newMesh(devices)
}

// newMesh returns the mesh and sharding specs of n devices.
func newMesh(n int) (*dataParallel, error) {
	mesh, err := distributed.NewDeviceMesh([]int{n}, []string{meshAxis})
	if err != nil {
		return nil, fmt.Errorf("trainer.devices: %w", err)
	}
	batch, err := distributed.NewShardingSpec(mesh, distributed.AxisSpec{meshAxis})
	if err != nil {
		return nil, fmt.Errorf("trainer.devices: %w", err)
	}
	return &dataParallel{n: n, mesh: mesh, batch: batch, replicated: distributed.NewReplicatedShardingSpec(mesh)}, nil
}

// configure makes exec a data-parallel step whose first batchInputs inputs are
// split along the batch axis and whose others (step, learning rates) are replicated.
func (d *dataParallel) configure(exec *context.Exec, batchInputs int) {
	specs := make([]*distributed.ShardingSpec, batchInputs+1)
	for i := range batchInputs {
		specs[i] = d.batch
	}
	specs[batchInputs] = d.replicated // and every input after it
	exec.AutoSharding(d.mesh).WithInputShardingSpecs(specs...)
}

// shard turns a step's arguments into distributed tensors: the first batchInputs
// split along the batch axis (which must divide evenly), the others replicated.
func (d *dataParallel) shard(args []*tensors.Tensor, batchInputs int) ([]any, error) {
	out := make([]any, len(args))
	for i, a := range args {
		shards := make([]*tensors.Tensor, d.n)
		spec := d.replicated
		if i < batchInputs {
			spec = d.batch
			dims := a.Shape().Dimensions
			if len(dims) == 0 || dims[0]%d.n != 0 {
				return nil, fmt.Errorf("trainer.devices: a batch of %v cannot be split evenly over %d devices (make trainer.batch_size a multiple of %d)", dims, d.n, d.n)
			}
			flat, err := tensors.CopyFlatData[float32](a)
			if err != nil {
				return nil, fmt.Errorf("trainer.devices: %w", err)
			}
			part := append([]int{dims[0] / d.n}, dims[1:]...)
			size := len(flat) / d.n
			for k := range shards {
				shards[k] = tensors.FromFlatDataAndDimensions(flat[k*size:(k+1)*size], part...)
			}
		} else {
			for k := range shards {
				c, err := a.Clone()
				if err != nil {
					return nil, fmt.Errorf("trainer.devices: input %d: %w", i, err)
				}
				shards[k] = c
			}
		}
		dt, err := distributed.NewTensor(spec, shards)
		if err != nil {
			return nil, fmt.Errorf("trainer.devices: input %d: %w", i, err)
		}
		out[i] = dt
	}
	return out, nil
}

// setupDevices makes the training steps data-parallel when cfg.Devices > 1.
func (t *Trainer) setupDevices() error {
	dp, err := newDataParallel(t.backend, t.cfg.Devices)
	if err != nil || dp == nil {
		return err
	}
	t.dp = dp
	dp.configure(t.trainExec, 2)
	dp.configure(t.trainWExec, 3)
	return nil
}

// execStep runs one training step: args are the batch (x, y and the cost map if
// any), the step and the learning rates. Data-parallel, the batch is split over
// the devices and the (replicated) losses and norms of the first device returned.
func (t *Trainer) execStep(exec *context.Exec, args []*tensors.Tensor) ([]*tensors.Tensor, error) {
	if t.dp == nil {
		in := make([]any, len(args))
		for i, a := range args {
			in[i] = a
		}
		return exec.Exec(in...)
	}
	batchInputs := len(args) - 1 - len(t.task.Objectives)
	in, err := t.dp.shard(args, batchInputs)
	if err != nil {
		return nil, err
	}
	out, err := exec.Exec(in...)
	if err != nil {
		return nil, err
	}
	return out[:len(out)/t.dp.n], nil
}
