package store

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/im2im/im2im/data/array"
)

const crashEnv = "IM2IM_STORE_CRASH_DIR"

// crashJobs is the build the child runs and the parent finishes: 240 samples of
// 8×32×32 (two arrays, ~40 KiB stored each), chunked so that each sample spans
// several batches' worth of keys.
func crashJobs() []Job {
	var jobs []Job
	for i := 0; i < 240; i++ {
		id := fmt.Sprintf("crash%03d", i)
		seed := uint64(i)
		jobs = append(jobs, Job{Key: keyOf(id), ID: id, Load: func() (*array.Sample, error) {
			return testSample(id, seed, 1, 8, 32, 32), nil
		}})
	}
	return jobs
}

func crashOptions() Options {
	return Options{WholeBelow: 8 << 10, Chunk3D: []int{4, 16, 16}, FlushBytes: 200 << 10}
}

// TestCrashChild is the child process of TestKilledBuildReopens; it does nothing
// unless started by it.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashEnv)
	if dir == "" {
		t.Skip("only runs as the child of TestKilledBuildReopens")
	}
	s, err := Open(dir, crashOptions())
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	_, err = s.Build(context.Background(), crashJobs(), 2, func(done, total int) { fmt.Printf("progress %d %d\n", done, total) })
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	s.Close()
	fmt.Println("finished")
	os.Exit(0)
}

// TestKilledBuildReopens starts a child process that builds the store and kills
// it with SIGKILL in the middle, three times in a row on the same directory
// (the later kills land while the child is also finishing what the previous one
// left). After each kill the store must reopen, every sample it reports complete
// must be exactly right, and a final Build must finish only the missing ones.
func TestKilledBuildReopens(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns child processes")
	}
	dir := t.TempDir()
	jobs := crashJobs()
	for round, killAfter := range []int{15, 40, 70} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashEnv+"="+dir)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		first, seen, killed := -1, 0, false
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, "error") {
				t.Fatalf("round %d: child: %s", round, line)
			}
			var done, total int
			if _, err := fmt.Sscanf(line, "progress %d %d", &done, &total); err != nil {
				continue
			}
			if first < 0 {
				first = done
			}
			if seen = done - first; seen >= killAfter && !killed {
				cmd.Process.Signal(syscall.SIGKILL)
				killed = true
			}
		}
		werr := cmd.Wait()
		if !killed {
			t.Fatalf("round %d: child finished before it could be killed (%v)", round, werr)
		}
		s, err := Open(dir, crashOptions())
		if err != nil {
			t.Fatalf("round %d: reopen after kill: %v", round, err)
		}
		complete, incomplete, err := s.Keys()
		if err != nil {
			t.Fatal(err)
		}
		byKey := map[Key]int{}
		for i, j := range jobs {
			byKey[j.Key] = i
		}
		for _, k := range complete {
			i := byKey[k]
			got, err := s.Get(k)
			if err != nil {
				t.Fatalf("round %d: complete sample %s unreadable: %v", round, jobs[i].ID, err)
			}
			want, _ := jobs[i].Load()
			sameSample(t, fmt.Sprintf("round %d %s", round, jobs[i].ID), got, want)
		}
		t.Logf("round %d: killed after %d new samples; reopened with %d complete, %d incomplete", round, seen, len(complete), len(incomplete))
		if len(complete) == 0 && round > 0 {
			t.Errorf("round %d: nothing survived although flushes happened every 200 KiB", round)
		}
		s.Close()
	}
	s, err := Open(dir, crashOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	before, _, _ := s.Keys()
	built, err := s.Build(context.Background(), jobs, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if built != len(jobs)-len(before) {
		t.Errorf("final build made %d samples, want %d missing ones", built, len(jobs)-len(before))
	}
	complete, incomplete, _ := s.Keys()
	if len(complete) != len(jobs) || len(incomplete) != 0 {
		t.Fatalf("after finishing: %d complete, %d incomplete", len(complete), len(incomplete))
	}
	for i, j := range jobs {
		got, err := s.Get(j.Key)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := jobs[i].Load()
		sameSample(t, j.ID, got, want)
	}
}
