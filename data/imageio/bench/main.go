// Command bench compares data/imageio's TIFF reader with Debian's tifffile on a
// 32×1024×1024 uint16 deflate OME-TIFF written by tifffile: it times both in one
// run, checks that they read identical pixels and prints both times and the ratio.
//
//	go run ./data/imageio/bench [-repeat 5] [-file /tmp/im2im_bench.ome.tif] [-z 32]
//
// It needs /usr/bin/python3 with python3-tifffile and python3-numpy. As a main
// package it sits beside imageio and imports only it and the standard library.
package main

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"time"

	"github.com/im2im/im2im/data/imageio"
)

func main() {
	file := flag.String("file", filepath.Join(os.TempDir(), "im2im_bench_32x1024x1024_u16_deflate.ome.tif"), "benchmark file (written by tifffile if missing)")
	repeat := flag.Int("repeat", 5, "timed reads per reader (the best and the median are reported)")
	z := flag.Int("z", 32, "Z planes of the benchmark file")
	flag.Parse()
	if err := run(*file, *repeat, *z); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(file string, repeat, z int) error {
	_, self, _, _ := runtime.Caller(0)
	script := filepath.Join(filepath.Dir(self), "bench_tifffile.py")
	if _, err := os.Stat(file); err != nil {
		fmt.Printf("writing %s with tifffile (%d×1024×1024 uint16, deflate)...\n", file, z)
		cmd := exec.Command("/usr/bin/python3", script, "write", file, strconv.Itoa(z), "1024", "1024")
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("writing the file with tifffile: %w", err)
		}
	}
	st, err := os.Stat(file)
	if err != nil {
		return err
	}
	img, err := imageio.Open(file)
	if err != nil {
		return err
	}
	m := img.Meta()
	img.Close()
	fmt.Printf("file: %s (%.1f MiB on disk, %s, shape TCZYX %v, %v, %d pages, compression %s)\n",
		file, float64(st.Size())/(1<<20), m.Format, m.Shape, m.DType, m.Pages, m.Compression)

	// Alternate the two readers so that both see the same machine load:
	// tifffile in a child process (timed inside it, without interpreter start-up),
	// ours in-process (Open + Read of the whole image).
	var ours, theirs []float64
	var digest, pyDigest string
	for i := 0; i < repeat; i++ {
		out, err := exec.Command("/usr/bin/python3", script, "read", file, "1").Output()
		if err != nil {
			return fmt.Errorf("tifffile read: %w", err)
		}
		var py struct {
			Times  []float64 `json:"times_s"`
			SHA256 string    `json:"sha256"`
		}
		if err := json.Unmarshal(out, &py); err != nil || len(py.Times) != 1 {
			return fmt.Errorf("tifffile read output %q: %v", out, err)
		}
		theirs = append(theirs, py.Times[0])
		pyDigest = py.SHA256

		debug.FreeOSMemory() // start from fresh memory, as numpy does
		t0 := time.Now()
		img, err := imageio.Open(file)
		if err != nil {
			return err
		}
		a, err := img.Read(imageio.Selection{Dims: "ZYX"})
		img.Close()
		if err != nil {
			return err
		}
		ours = append(ours, time.Since(t0).Seconds())
		if i == 0 {
			digest = sha(a.Data.([]uint16))
		}
	}
	if digest != pyDigest {
		return fmt.Errorf("pixels differ: ours sha256 %s, tifffile %s", digest, pyDigest)
	}
	bo, mo := minMed(ours)
	bt, mt := minMed(theirs)
	fmt.Printf("GOMAXPROCS=%d, %d CPUs; %d reads each; identical pixels (sha256 %s…)\n", runtime.GOMAXPROCS(0), runtime.NumCPU(), repeat, digest[:12])
	fmt.Printf("tifffile: best %.3f s, median %.3f s\n", bt, mt)
	fmt.Printf("imageio:  best %.3f s, median %.3f s\n", bo, mo)
	fmt.Printf("speed ratio (tifffile time / imageio time): best %.2fx, median %.2fx\n", bt/bo, mt/mo)
	return nil
}

func minMed(v []float64) (float64, float64) {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[0], s[len(s)/2]
}

func sha(v []uint16) string {
	b := make([]byte, 2*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint16(b[2*i:], x)
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
