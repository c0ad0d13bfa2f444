package bench

import (
	"bufio"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// torchResultRe matches the RESULT line of the PyTorch scripts (torch_unet.py,
// torch_pix2pix.py).
var torchResultRe = regexp.MustCompile(`^RESULT torch (\S+) threads=(\d+) dims=(\d) median_step_s=([0-9.]+) min=([0-9.]+) max=([0-9.]+) n=(\d+)`)

// torchParamsRe matches the optional parameter counts after the timing on the
// RESULT line: params_<net>=<count>.
var torchParamsRe = regexp.MustCompile(`^params_(\w+)=(\d+)$`)

// ParseTorchResult finds the RESULT line in the script's output and returns the
// timing it reports (with Result.Params from any params_<net>=N fields after it)
// and PyTorch's version.
func ParseTorchResult(out string) (Result, string, error) {
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		m := torchResultRe.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if m == nil {
			continue
		}
		var r Result
		var err1, err2, err3, err4 error
		r.Median, err1 = strconv.ParseFloat(m[4], 64)
		r.Min, err2 = strconv.ParseFloat(m[5], 64)
		r.Max, err3 = strconv.ParseFloat(m[6], 64)
		r.N, err4 = strconv.Atoi(m[7])
		if err := errors.Join(err1, err2, err3, err4); err != nil {
			return r, "", fmt.Errorf("torch RESULT line %q: %w", sc.Text(), err)
		}
		rest := strings.TrimSpace(sc.Text())[len(m[0]):]
		for _, f := range strings.Fields(rest) {
			pm := torchParamsRe.FindStringSubmatch(f)
			if pm == nil {
				continue
			}
			n, err := strconv.ParseInt(pm[2], 10, 64)
			if err != nil {
				return r, "", fmt.Errorf("torch RESULT line %q: %s: %w", sc.Text(), f, err)
			}
			if r.Params == nil {
				r.Params = map[string]int64{}
			}
			r.Params[pm[1]] = n
		}
		return r, m[1], nil
	}
	return Result{}, "", fmt.Errorf("torch script printed no RESULT line; its output ends with:\n%s", tail(out, 800))
}

// tail is the last n bytes of s, marked with "…" when cut.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// pix2pixScript is torch_pix2pix.py, the PyTorch side of the pix2pix benchmark,
// built into the binary so that `im2im bench pix2pix` runs from any directory.
//
//go:embed torch_pix2pix.py
var pix2pixScript []byte

// embedSegScript is torch_embedseg.py, the PyTorch side of the embedseg benchmark.
//
//go:embed torch_embedseg.py
var embedSegScript []byte

// TorchScript returns the path of the PyTorch script of o's model and a function
// that removes what it wrote: o.Torch if set; for the U-Net,
// ../shared/bench/torch_unet.py from the current or the executable's directory;
// for pix2pix and embedseg, the built-in torch_pix2pix.py or torch_embedseg.py
// written to a temporary file.
func TorchScript(o Options) (string, func(), error) {
	none := func() {}
	if o.Torch != "" {
		if _, err := os.Stat(o.Torch); err != nil {
			return "", none, fmt.Errorf("--torch: %w", err)
		}
		return o.Torch, none, nil
	}
	builtIn := map[string][]byte{ModelPix2Pix: pix2pixScript, ModelEmbedSeg: embedSegScript}
	if script, ok := builtIn[o.Model]; ok {
		dir, err := os.MkdirTemp("", "im2im-bench-")
		if err != nil {
			return "", none, err
		}
		cleanup := func() { os.RemoveAll(dir) }
		p := filepath.Join(dir, "torch_"+o.Model+".py")
		if err := os.WriteFile(p, script, 0o644); err != nil {
			cleanup()
			return "", none, err
		}
		return p, cleanup, nil
	}
	var tried []string
	dirs := []string{"."}
	if exe, err := os.Executable(); err == nil {
		dirs = append(dirs, filepath.Dir(exe))
	}
	for _, d := range dirs {
		p := filepath.Join(d, "..", "shared", "bench", "torch_unet.py")
		if _, err := os.Stat(p); err == nil {
			return p, none, nil
		}
		tried = append(tried, p)
	}
	return "", none, fmt.Errorf("torch_unet.py not found (tried %s); pass --torch or --no-torch", strings.Join(tried, ", "))
}

// Torch runs the PyTorch script with the resolved options o, echoing its output to
// w, and returns its timing and PyTorch's version. With o.TorchCPU and at least two
// steps it runs the script again with one timed step to derive CPU seconds per step.
func Torch(w io.Writer, o Options) (Result, string, error) {
	script, cleanup, err := TorchScript(o)
	if err != nil {
		return Result{}, "", err
	}
	defer cleanup()
	run := func(steps int) (string, float64, error) {
		args := []string{script, strconv.Itoa(o.Dims), strconv.Itoa(o.Batch), o.Size,
			strconv.Itoa(o.Warmup), strconv.Itoa(steps), strconv.Itoa(o.Threads)}
		fmt.Fprintf(w, "torch: %s %s\n", o.Python, strings.Join(args, " "))
		cmd := exec.Command(o.Python, args...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			return "", 0, fmt.Errorf("%s %s: %w\n%s", o.Python, script, err, tail(string(out), 800))
		}
		cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		return string(out), cpu.Seconds(), nil
	}
	out, cpuAll, err := run(o.Steps)
	if err != nil {
		return Result{}, "", err
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		fmt.Fprintf(w, "torch %s\n", line)
	}
	res, version, err := ParseTorchResult(out)
	if err != nil || !o.TorchCPU || o.Steps < 2 {
		return res, version, err
	}
	// CPU per step: the difference with a run of one timed step removes start-up and warm-up.
	_, cpuOne, err := run(1)
	if err != nil {
		return res, version, err
	}
	if c := (cpuAll - cpuOne) / float64(o.Steps-1); c > 0 {
		res.CPUPerStep = c // else the two runs were too uneven to tell
	}
	return res, version, nil
}
