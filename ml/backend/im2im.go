package backend

import (
	"maps"
	"strings"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
)

// Name is the name under which the completed pure-Go backend is registered with
// backends.Register: GOMLX_BACKEND=im2im selects it, "im2im:parallelism=4" passes the
// options after the colon on to the embedded simplego backend.
const Name = "im2im"

func init() {
	backends.Register(Name, NewPureGo)
}

// extraOps are the operations this backend adds to simplego, composed from ops that
// simplego implements.
var extraOps = []backends.OpType{
	backends.OpTypeReverse,
	backends.OpTypePad,
	backends.OpTypeSelectAndScatterMax,
	backends.OpTypeSelectAndScatterMin,
	backends.OpTypeBatchNormForTraining,
	backends.OpTypeBatchNormForInference,
	backends.OpTypeBatchNormGradient,
	backends.OpTypeDynamicSlice,
	backends.OpTypeDynamicUpdateSlice,
}

// Backend is GoMLX's pure-Go backend (simplego) completed with the operations that
// convolution, pooling, slicing and normalization gradients need. Buffers, execution and
// every op simplego has are simplego's own; only Builder is wrapped.
type Backend struct {
	backends.Backend
}

// NewPureGo constructs the completed pure-Go backend; config is handed to simplego
// (for example "parallelism=4"; empty for defaults), with ops run one after the
// other unless it says "ops_parallel" (see sequentialOps).
func NewPureGo(config string) (backends.Backend, error) {
	inner, err := simplego.New(sequentialOps(config))
	if err != nil {
		return nil, err
	}
	return &Backend{Backend: inner}, nil
}

// Name implements backends.Backend.
func (b *Backend) Name() string { return "im2im pure Go (simplego + composed ops)" }

// String implements backends.Backend.
func (b *Backend) String() string { return Name }

// Description implements backends.Backend.
func (b *Backend) Description() string {
	return "GoMLX simplego completed with Reverse, Pad, SelectAndScatter, BatchNorm and DynamicSlice ops"
}

// Capabilities implements backends.Backend: simplego's plus the composed operations.
func (b *Backend) Capabilities() backends.Capabilities {
	c := b.Backend.Capabilities()
	c.Operations = maps.Clone(c.Operations)
	for _, op := range extraOps {
		c.Operations[op] = true
	}
	return c
}

// Builder implements backends.Backend, wrapping simplego's builder.
func (b *Backend) Builder(name string) backends.Builder {
	return &Builder{Builder: b.Backend.Builder(name)}
}

// Builder wraps a simplego builder and implements the missing operations by composing
// the ones simplego has. Ops it returns are simplego ops of the wrapped builder.
type Builder struct {
	backends.Builder
}

// sequentialOps adds "ops_sequential" to a simplego configuration that names no
// ops_ mode. simplego v0.26 runs independent graph nodes in parallel on its
// worker pool when nothing else executes, and an op such as its small
// DotGeneral waits on the same pool for its own workers: with every slot held
// by node tasks waiting for sub-tasks, the execution deadlocks
// (executeParallel → execDotGeneralSmall → workersPool.WaitToStart; no upstream
// issue found). It happened to graphs with many independent small convolutions
// (ConvTranspose by output phases, in the ONNX export test). Sequential node
// execution keeps each op's own parallelism; im2im-fast runs its inner simplego
// segments the same way (fast.DefaultInnerOptions).
func sequentialOps(config string) string {
	for _, part := range strings.Split(config, ",") {
		if k, _, _ := strings.Cut(part, "="); k == "ops_sequential" || k == "ops_parallel" {
			return config
		}
	}
	if config == "" {
		return "ops_sequential"
	}
	return config + ",ops_sequential"
}
