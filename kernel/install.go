package kernel

import (
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// SpecName is the kernelspec name; notebooks select the kernel by it.
const SpecName = "im2im"

// KernelSpec is the content of kernel.json.
type KernelSpec struct {
	Argv          []string       `json:"argv"`
	DisplayName   string         `json:"display_name"`
	Language      string         `json:"language"`
	InterruptMode string         `json:"interrupt_mode"`
	Env           map[string]any `json:"env,omitempty"`
	Metadata      map[string]any `json:"metadata"`
}

// NewKernelSpec returns the spec that starts exe as the kernel.
func NewKernelSpec(exe string) KernelSpec {
	return KernelSpec{
		Argv:          []string{exe, "kernel", "--connection-file", "{connection_file}"},
		DisplayName:   "im2im (Go)",
		Language:      "go",
		InterruptMode: "message",
		Metadata:      map[string]any{},
	}
}

// KernelsDir returns the "kernels" directory of a Jupyter data location: under
// prefix when set, the Python environment's prefix when sysPrefix is true, the
// user's data directory otherwise ($JUPYTER_DATA_DIR, or ~/.local/share/jupyter,
// ~/Library/Jupyter on macOS).
func KernelsDir(prefix string, sysPrefix bool) (string, error) {
	switch {
	case prefix != "":
		return filepath.Join(prefix, "share", "jupyter", "kernels"), nil
	case sysPrefix:
		p := os.Getenv("VIRTUAL_ENV")
		if p == "" {
			p = os.Getenv("CONDA_PREFIX")
		}
		if p == "" {
			out, err := exec.Command("python3", "-c", "import sys; print(sys.prefix)").Output()
			if err != nil {
				return "", fmt.Errorf("--sys-prefix: no VIRTUAL_ENV or CONDA_PREFIX, and python3 did not say its prefix: %w", err)
			}
			p = strings.TrimSpace(string(out))
		}
		return filepath.Join(p, "share", "jupyter", "kernels"), nil
	}
	if d := os.Getenv("JUPYTER_DATA_DIR"); d != "" {
		return filepath.Join(d, "kernels"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("--user: %w", err)
	}
	if runtime.GOOS == "darwin" {
		return filepath.Join(home, "Library", "Jupyter", "kernels"), nil
	}
	if x := os.Getenv("XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "jupyter", "kernels"), nil
	}
	return filepath.Join(home, ".local", "share", "jupyter", "kernels"), nil
}

// Install writes the kernelspec directory kernelsDir/im2im: kernel.json starting
// exe, and the logos (32×32 and 64×64 PNG, drawn here). It returns the directory.
func Install(kernelsDir, exe string) (string, error) {
	dir := filepath.Join(kernelsDir, SpecName)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("install: %w", err)
	}
	b, err := json.MarshalIndent(NewKernelSpec(exe), "", "  ")
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "kernel.json"), append(b, '\n'), 0o644); err != nil {
		return "", fmt.Errorf("install: %w", err)
	}
	for _, size := range []int{32, 64} {
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("logo-%dx%d.png", size, size)))
		if err != nil {
			return "", fmt.Errorf("install: %w", err)
		}
		err = png.Encode(f, Logo(size))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return "", fmt.Errorf("install: logo: %w", err)
		}
	}
	return dir, nil
}

// Logo draws the kernel logo at size×size: a grainy grey "input" tile and a clean
// green "output" tile on a dark blue ground, joined by an arrow — image to image.
func Logo(size int) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	bg := color.NRGBA{0x1b, 0x2a, 0x49, 0xff}
	s := float64(size)
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			fx, fy := (float64(x)+0.5)/s, (float64(y)+0.5)/s
			c := bg
			switch {
			case fx >= 0.08 && fx < 0.42 && fy >= 0.30 && fy < 0.70: // input tile with deterministic grain
				g := uint8(120 + (x*37+y*91)%60)
				c = color.NRGBA{g, g, g, 0xff}
			case fx >= 0.58 && fx < 0.92 && fy >= 0.30 && fy < 0.70: // output tile: a bright disc on dark
				dx, dy := fx-0.75, fy-0.50
				if dx*dx+dy*dy < 0.012 {
					c = color.NRGBA{0x7c, 0xe5, 0x7a, 0xff}
				} else {
					c = color.NRGBA{0x0e, 0x3b, 0x22, 0xff}
				}
			case fy >= 0.47 && fy < 0.53 && fx >= 0.44 && fx < 0.52: // arrow shaft
				c = color.NRGBA{0xff, 0xff, 0xff, 0xff}
			case fx >= 0.50 && fx < 0.57 && absf(fy-0.5) < (0.57-fx)*0.9: // arrow head
				c = color.NRGBA{0xff, 0xff, 0xff, 0xff}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

func absf(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
