package bench

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// ttdTIFFScript is ttd_tiff.py, which writes data.npz as TIFF pairs.
//
//go:embed ttd_tiff.py
var ttdTIFFScript []byte

// PrepareTTDData makes the time-to-quality data in o.Dir once: data.npz by the
// reference's gen_data.py, then the same images as TIFF pairs for our side
// (TrainDir, ValDir). Existing files are kept. Progress goes to w.
func PrepareTTDData(w io.Writer, o TTDOptions) error {
	scripts, err := o.ScriptDir()
	if err != nil {
		return err
	}
	npz := filepath.Join(o.Dir, "data.npz")
	if _, err := os.Stat(npz); err != nil {
		if _, _, err := runPython(w, o, filepath.Join(scripts, "gen_data.py")); err != nil {
			return err
		}
	}
	last := filepath.Join(o.ValDir(), fmt.Sprintf("img%03d_GT.tiff", TTDValImages-1))
	if _, err := os.Stat(last); err == nil {
		return nil
	}
	tmp, err := os.CreateTemp("", "ttd_tiff-*.py")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(ttdTIFFScript); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	_, _, err = runPython(w, o, tmp.Name(), o.Dir)
	return err
}

// runPython runs a script with TTD_DIR=o.Dir, echoing its output to w, and
// returns the output and the CPU seconds it used.
func runPython(w io.Writer, o TTDOptions, args ...string) (string, float64, error) {
	return runScript(w, o.Python, []string{"TTD_DIR=" + o.Dir, "EVAL_EVERY=" + strconv.Itoa(o.EvalEvery)}, args...)
}

// runScript runs python with args and the extra environment env, echoing its
// output to w (each line after "torch "), and returns the output and the CPU
// seconds it used.
func runScript(w io.Writer, python string, env []string, args ...string) (string, float64, error) {
	fmt.Fprintf(w, "torch: %s %s\n", python, strings.Join(args, " "))
	cmd := exec.Command(python, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fmt.Fprintf(w, "torch %s\n", line)
	}
	if err != nil {
		return "", 0, fmt.Errorf("%s %s: %w\n%s", python, args[0], err, tail(string(out), 800))
	}
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	return string(out), cpu.Seconds(), nil
}

// TorchTTD runs the reference train.py (crop, batch, training budget, seed,
// stop at Dice 0.95 unless o.NoStop; EVAL_EVERY=o.EvalEvery) and returns what
// it recorded.
func TorchTTD(w io.Writer, o TTDOptions) (TTDResult, error) {
	scripts, err := o.ScriptDir()
	if err != nil {
		return TTDResult{}, err
	}
	out := filepath.Join(o.Dir, "torch.json")
	stop := "1"
	if o.NoStop {
		stop = "0"
	}
	if o.Threads != 2 {
		fmt.Fprintf(w, "note: train.py always uses 2 threads (--threads %d applies to our side only)\n", o.Threads)
	}
	text, cpu, err := runPython(w, o, filepath.Join(scripts, "train.py"), strconv.Itoa(o.Crop), strconv.Itoa(o.Batch),
		strconv.FormatFloat(o.MaxTrainS, 'f', -1, 64), out, strconv.Itoa(o.Seed), stop)
	if err != nil {
		return TTDResult{}, err
	}
	b, err := os.ReadFile(out)
	if err != nil {
		return TTDResult{}, err
	}
	r, err := ParseTTDJSON(b)
	r.CPUS = cpu
	if m := torchTTDParamsRe.FindStringSubmatch(text); m != nil {
		r.Params, _ = strconv.ParseInt(m[1], 10, 64)
	}
	return r, err
}

// torchTTDParamsRe finds the parameter count train.py prints first.
var torchTTDParamsRe = regexp.MustCompile(`(?m)^crop \d+ batch \d+ params (\d+)$`)

// ParseTTDJSON reads the JSON that train.py writes.
func ParseTTDJSON(b []byte) (TTDResult, error) {
	var r TTDResult
	if err := json.Unmarshal(b, &r); err != nil {
		return r, fmt.Errorf("train.py result: %w", err)
	}
	if r.Steps == 0 {
		return r, fmt.Errorf("train.py result: no steps recorded")
	}
	if r.Reached == nil {
		r.Reached = map[string]Reached{}
	}
	return r, nil
}
