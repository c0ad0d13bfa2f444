package fast

import (
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/gomlx/gomlx/backends"
)

// TraceEnvVar, when set to 1, makes every Execute print the time spent per op kind to
// stderr (native ops by name and output size, inner segments by their op count): the 60
// slowest kinds, or all of them when it is set to "all".
const TraceEnvVar = "IM2IM_FAST_TRACE"

var (
	traceEnabled = os.Getenv(TraceEnvVar) == "1" || traceAll
	traceAll     = os.Getenv(TraceEnvVar) == "all"
)

type profile struct {
	t0    time.Time
	cpu0  time.Duration
	total map[string]time.Duration
	cpu   map[string]time.Duration
	count map[string]int
}

func newProfile() *profile {
	return &profile{total: map[string]time.Duration{}, cpu: map[string]time.Duration{}, count: map[string]int{}}
}

func (p *profile) start() { p.t0, p.cpu0 = time.Now(), processCPU() }

func (p *profile) stop(s *step, _ []backends.Buffer, _ backends.Backend) {
	key := "inner segment"
	if s.fused != nil && traceAll {
		var names []string
		for _, n := range s.fused.nodes {
			names = append(names, n.opName)
		}
		key = fmt.Sprintf("fused%v(%v)", s.fused.dims, names)
	} else if s.fused != nil {
		key = fmt.Sprintf("fused%v(%d ops)", s.fused.dims, len(s.fused.nodes))
	} else if s.native == nil {
		seen := map[string]bool{}
		for _, n := range s.nodes {
			seen[n.opName] = true
		}
		var names []string
		for k := range seen {
			names = append(names, k)
		}
		sort.Strings(names)
		key = fmt.Sprintf("segment%v", names)
	}
	if s.native != nil {
		key = s.native.opName
		if s.native.kind == kindReduce || s.native.kind == kindTranspose || s.native.kind == kindReverse {
			key += fmt.Sprintf("%v%v", s.native.inputs[0].shape.Dimensions, s.native.axes)
		} else if c := s.native.conv; c != nil {
			key += fmt.Sprintf("%v in%v k%v s%v kd%v id%v", s.native.outputs[0].shape.Dimensions,
				c.inShape.Dimensions, c.kernelShape.Dimensions, c.strides, c.kernelDilations, c.inputDilations)
		} else if s.native.kind == kindBinary || s.native.kind == kindMulReduce || s.native.kind == kindConcat {
			key += fmt.Sprintf("%v", s.native.outputs[0].shape.Dimensions)
		}
	}
	p.total[key] += time.Since(p.t0)
	p.cpu[key] += processCPU() - p.cpu0
	p.count[key]++
}

func (p *profile) print(name string) {
	keys := make([]string, 0, len(p.total))
	var sum, cpu time.Duration
	for k, v := range p.total {
		keys = append(keys, k)
		sum += v
		cpu += p.cpu[k]
	}
	sort.Slice(keys, func(i, j int) bool { return p.total[keys[i]] > p.total[keys[j]] })
	fmt.Fprintf(os.Stderr, "%s trace of %q: %.3fs (%.3f CPU s; per kind: wall, CPU/wall, count)\n", Name, name, sum.Seconds(), cpu.Seconds())
	for i, k := range keys {
		if i == 60 && !traceAll {
			break
		}
		fmt.Fprintf(os.Stderr, "  %8.1fms %4.2f %5d× %s\n", float64(p.total[k].Microseconds())/1000,
			p.cpu[k].Seconds()/max(p.total[k].Seconds(), 1e-9), p.count[k], k)
	}
}
