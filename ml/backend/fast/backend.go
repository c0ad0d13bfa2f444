package fast

import (
	"fmt"
	"maps"
	"strings"

	"github.com/gomlx/gomlx/backends"
	"github.com/im2im/im2im/ml/backend/kernels"
)

// Name is the name this backend registers under: GOMLX_BACKEND=im2im-fast selects it;
// "im2im-fast:go" or "im2im-fast:im2im:parallelism=2" name the inner backend (and its
// configuration) explicitly.
const Name = "im2im-fast"

// DefaultInnerOptions is appended to the inner backend's name when the configuration names
// none: simplego's node-parallel executor reads its use counts without its lock (a data
// race the race detector reports in simplego v0.26.0's exec.go), and the segments left to
// the inner backend are small, so they run sequentially; our native ops are parallel.
const DefaultInnerOptions = "ops_sequential"

// DefaultInner lists the inner backends tried, in order, when the configuration names none.
var DefaultInner = []string{"im2im", "go"}

func init() { backends.Register(Name, New) }

// Backend is the fast backend. Data handling (buffers) is the inner backend's; Builder
// records graphs that run partly natively, partly on the inner backend.
type Backend struct {
	backends.Backend
	innerName string
	recycle   recycler
}

// New constructs the fast backend around the inner backend named by config ("" picks the
// first registered of DefaultInner; "name" or "name:innerconfig" pick one).
func New(config string) (b backends.Backend, err error) {
	innerConfig := config
	if innerConfig == "" {
		registered := backends.List()
		for _, name := range DefaultInner {
			for _, r := range registered {
				if r == name && innerConfig == "" {
					innerConfig = name + ":" + DefaultInnerOptions
				}
			}
		}
		if innerConfig == "" {
			return nil, fmt.Errorf("%s: none of the inner backends %v is registered (import github.com/gomlx/gomlx/backends/simplego)", Name, DefaultInner)
		}
	}
	innerName, _, _ := strings.Cut(innerConfig, ":")
	if innerName == Name {
		return nil, fmt.Errorf("%s: the inner backend cannot be %s itself", Name, Name)
	}
	defer func() {
		// backends.NewWithConfig panics on unknown names.
		if r := recover(); r != nil {
			b, err = nil, fmt.Errorf("%s: inner backend %q: %v", Name, innerConfig, r)
		}
	}()
	inner, err := backends.NewWithConfig(innerConfig)
	if err != nil {
		return nil, fmt.Errorf("%s: inner backend %q: %w", Name, innerConfig, err)
	}
	if !inner.HasSharedBuffers() {
		inner.Finalize()
		return nil, fmt.Errorf("%s: inner backend %q does not share buffer memory with Go; use a pure-Go backend", Name, innerConfig)
	}
	return &Backend{Backend: inner, innerName: innerConfig}, nil
}

// Finalize implements backends.Backend: it releases the recycled buffers, then the inner backend.
func (b *Backend) Finalize() {
	b.recycle.drain(b.Backend)
	b.Backend.Finalize()
}

// ReleaseCaches frees the memory kept to speed up repeated executions (recycled buffers
// and the kernels' scratch slices); callers holding a backend after training (to predict
// later) call it when the training loop ends. Later executions refill the caches.
func (b *Backend) ReleaseCaches() {
	b.recycle.drain(b.Backend)
	kernels.ReleaseScratch()
}

// Inner returns the wrapped backend (its configuration shows in String).
func (b *Backend) Inner() backends.Backend { return b.Backend }

// Name implements backends.Backend.
func (b *Backend) Name() string {
	return "im2im fast pure Go (native conv over " + b.Backend.Name() + ")"
}

// String implements backends.Backend.
func (b *Backend) String() string { return Name + ":" + b.innerName }

// Description implements backends.Backend.
func (b *Backend) Description() string {
	return fmt.Sprintf("native parallel convolution kernels (%s) over the %q backend", kernelsPath(), b.innerName)
}

// Capabilities implements backends.Backend: the inner backend's, plus the native ops.
func (b *Backend) Capabilities() backends.Capabilities {
	c := b.Backend.Capabilities()
	c.Operations = maps.Clone(c.Operations)
	c.Operations[backends.OpTypeConvGeneral] = true
	c.Operations[backends.OpTypeReverse] = true
	return c
}

// Builder implements backends.Backend.
func (b *Backend) Builder(name string) backends.Builder {
	return &Builder{backend: b, name: name, mirror: b.Backend.Builder(name + "#shapes")}
}
