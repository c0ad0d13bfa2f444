package bench

import (
	"os"
	"strconv"
	"strings"
)

// ProcessCPUSeconds returns this process's user+system CPU time from /proc/self/stat
// (Linux), or -1 where that is not available. With N busy threads and an idle machine it
// grows N times faster than the wall clock; on a shared machine it shows how much of a
// step's wall time we actually ran.
func ProcessCPUSeconds() float64 {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return -1
	}
	// Fields after the parenthesized command name; utime and stime are fields 14 and 15.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return -1
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return -1
	}
	ut, err1 := strconv.ParseFloat(f[11], 64)
	st, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return -1
	}
	const clockTicks = 100 // USER_HZ on Linux
	return (ut + st) / clockTicks
}

// LoadAverage returns the 1-minute load average (Linux), or "?"; other processes
// on a shared machine inflate both sides' times.
func LoadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}
