package bench

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// stepProfiler profiles the timed steps of a benchmark: Start, at the first
// timed step, begins the CPU profile and heap sampling that o asks for; Stop
// ends the CPU profile and writes the heap profile.
type stepProfiler struct {
	o       Options
	cpu     *os.File
	started bool
}

// Start begins profiling (once; later calls do nothing).
func (p *stepProfiler) Start() error {
	if p.started {
		return nil
	}
	p.started = true
	if p.o.MemProfile != "" {
		runtime.MemProfileRate = 64 << 10
	}
	if p.o.CPUProfile == "" {
		return nil
	}
	f, err := os.Create(p.o.CPUProfile)
	if err != nil {
		return fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return fmt.Errorf("--cpuprofile: %w", err)
	}
	p.cpu = f
	return nil
}

// Stop ends the CPU profile and writes the heap profile, if they were started
// (once: later calls do nothing).
func (p *stepProfiler) Stop() error {
	if p.cpu != nil {
		pprof.StopCPUProfile()
		err := p.cpu.Close()
		p.cpu = nil
		if err != nil {
			return fmt.Errorf("--cpuprofile: %w", err)
		}
	}
	if p.started && p.o.MemProfile != "" {
		p.started = false // written once
		if err := writeHeapProfile(p.o.MemProfile); err != nil {
			return fmt.Errorf("--memprofile: %w", err)
		}
	}
	return nil
}

// writeHeapProfile writes the heap profile (allocations since MemProfileRate was set) to path.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	runtime.GC() // the profile reflects the state as of the last GC
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// ProfileCPU starts a Go CPU profile written to path ("" : none) and returns
// the function that ends it.
func ProfileCPU(path string) (stop func() error, err error) {
	p := &stepProfiler{o: Options{CPUProfile: path}}
	if err := p.Start(); err != nil {
		return nil, err
	}
	return p.Stop, nil
}
