package backend

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gomlx/go-xla/pkg/pjrt"
	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/xla"
)

// XLA client options: im2im's "xla" backend is GoMLX's, plus options after the
// plugin that go to the PJRT client when it is created (GoMLX's own "xla" passes
// none), e.g. GOMLX_BACKEND=xla:/abs/xla_cuda_plugin.so,preallocate=false:
//
//   - preallocate=true|false: XLA's GPU client reserves a share of the GPU's
//     memory at start (default true, 75 %); false allocates as needed, so that
//     nvidia-smi shows what training uses.
//   - memory_fraction=F: the share reserved, 0 < F ≤ 1.
//   - allocator=NAME: XLA's GPU allocator (default, platform, bfc, cuda_async).
//
// GoMLX's own options (shared_buffers, noshared_buffers, tf32) pass through. The
// plugin checks the names: a CPU plugin refuses the GPU ones.

func init() {
	backends.Register(xla.BackendName, newXLA) // replaces GoMLX's constructor (registered before ours)
}

// newXLA constructs GoMLX's XLA backend with the client options of config.
func newXLA(config string) (backends.Backend, error) {
	rest, opts, err := parseXLAOptions(config)
	if err != nil {
		return nil, err
	}
	b, err := xla.NewWithOptions(rest, opts)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// parseXLAOptions splits the PJRT client options out of an "xla" configuration
// (what follows "xla:"), returning the rest for GoMLX and the options (nil if none).
func parseXLAOptions(config string) (string, pjrt.NamedValuesMap, error) {
	parts := strings.Split(config, ",")
	keep := parts[:1]
	var opts pjrt.NamedValuesMap
	set := func(k string, v any) {
		if opts == nil {
			opts = pjrt.NamedValuesMap{}
		}
		opts[k] = v
	}
	for _, p := range parts[1:] {
		k, v, ok := strings.Cut(p, "=")
		switch {
		case !ok:
			keep = append(keep, p)
		case k == "preallocate":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return "", nil, fmt.Errorf("xla option %q: want true or false", p)
			}
			set(k, b)
		case k == "memory_fraction":
			f, err := strconv.ParseFloat(v, 32)
			if err != nil || f <= 0 || f > 1 {
				return "", nil, fmt.Errorf("xla option %q: want a fraction in (0, 1]", p)
			}
			set(k, float32(f))
		case k == "allocator":
			if v == "" {
				return "", nil, fmt.Errorf("xla option %q: want an allocator name", p)
			}
			set(k, v)
		default:
			return "", nil, fmt.Errorf("xla option %q: unknown (im2im's are preallocate, memory_fraction, allocator)", p)
		}
	}
	return strings.Join(keep, ","), opts, nil
}
