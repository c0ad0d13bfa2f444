// Package backend chooses and constructs the GoMLX backend that trains im2im models,
// and provides im2im's completed pure-Go backend.
//
// The choice, in order: the GOMLX_BACKEND environment variable if set; XLA when a
// PJRT plugin (CPU or CUDA) is present on this machine; else the fast CPU backend
// "im2im-fast" (CPU, package ml/backend/fast: native AVX-512/AVX2 convolutions, GEMM and
// element-wise work; every other op runs on the completed pure-Go backend "im2im"). GoMLX's own default would try to download an XLA plugin, which
// fails offline, so im2im never calls backends.New() without deciding first.
//
// Pointing at a PJRT plugin: put pjrt_c_api_cpu_plugin.so / pjrt_c_api_cuda_plugin.so
// (or the xla_cuda_plugin.so found in a JAX CUDA wheel, e.g. jax_cuda12_plugin/) in a
// directory listed in PJRT_PLUGIN_LIBRARY_PATH or in ~/.local/lib/go-xla, or name it
// directly with GOMLX_BACKEND=xla:/abs/path/xla_cuda_plugin.so. Options after the path go
// to the PJRT client (xla_options.go): xla:/abs/path/xla_cuda_plugin.so,preallocate=false
// makes XLA allocate GPU memory as needed instead of reserving 75 % of it at start.
//
// The "im2im" backend (Backend, registered under Name) is GoMLX's simplego with the
// operations it lacks composed from those it has: Reverse, Pad, SelectAndScatterMax/
// Min, BatchNormForTraining/ForInference/Gradient, DynamicSlice/DynamicUpdateSlice;
// its ConvGeneral fills the empty strides GoMLX's conv gradient passes. With them the
// conv, pooling, slicing and batch-norm gradients work; finite-difference tests here
// and in ml/nn prove them. "go" (SimpleGo) still selects plain simplego.
//
// Imports: GoMLX (backends, simplego, xla) and the standard library.
package backend

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/im2im/im2im/ml/backend/fast" // registers "im2im-fast"
)

// EnvVar is the environment variable that forces a backend configuration, exactly as
// GoMLX reads it (for example "go", "xla:cpu" or "xla:/abs/path/pjrt_c_api_cuda_plugin.so").
const EnvVar = "GOMLX_BACKEND"

// PluginPathEnvVar lists extra directories (colon-separated) searched for PJRT plugins.
const PluginPathEnvVar = "PJRT_PLUGIN_LIBRARY_PATH"

// CPU is the configuration used when no PJRT plugin exists: the fast CPU backend, which
// runs the hot ops natively and delegates the rest to PureGo.
const CPU = fast.Name

// PureGo is the configuration of im2im's completed pure-Go backend (see Backend), which
// trains CNNs, unlike plain simplego; the fast backend runs its other ops on it and is
// tested against it.
const PureGo = Name

// SimpleGo is the configuration of GoMLX's own pure-Go backend as shipped ("go"); it
// lacks the ops conv/pool gradients need and is only used when asked for by GOMLX_BACKEND.
const SimpleGo = "go"

// Choice is the decision of which backend to use, with the reason in words.
type Choice struct {
	// Config is the GoMLX backend configuration string ("go", "xla:cuda", "xla:/path.so", ...).
	Config string
	// Reason says why this backend was chosen, in one line.
	Reason string
	// Plugins lists the PJRT plugins found, as absolute paths.
	Plugins []string
}

// String renders the choice as one line: "CONFIG (REASON)".
func (c Choice) String() string { return fmt.Sprintf("%s (%s)", c.Config, c.Reason) }

// Choose decides the backend from the environment and the PJRT plugins present locally.
// It reads the filesystem but loads nothing.
func Choose() Choice {
	plugins := FindPlugins(PluginDirs())
	if v := strings.TrimSpace(os.Getenv(EnvVar)); v != "" {
		return Choice{Config: v, Reason: EnvVar + " is set", Plugins: plugins}
	}
	if len(plugins) > 0 {
		best := plugins[0]
		for _, p := range plugins {
			if pluginKind(p) == "cuda" {
				best = p
				break
			}
		}
		return Choice{
			Config:  "xla:" + best,
			Reason:  fmt.Sprintf("PJRT %s plugin found at %s", pluginKind(best), best),
			Plugins: plugins,
		}
	}
	return Choice{
		Config: CPU,
		Reason: fmt.Sprintf("no PJRT plugin found in %s or $%s; using the pure-Go CPU backend %q",
			strings.Join(PluginDirs(), ", "), PluginPathEnvVar, CPU),
	}
}

// PluginDirs returns the directories searched for PJRT plugins: $PJRT_PLUGIN_LIBRARY_PATH
// entries first, then go-xla's defaults (~/.local/lib/go-xla, /usr/local/lib/go-xla and
// their nvidia/ subfolders).
func PluginDirs() []string {
	var dirs []string
	for _, d := range filepath.SplitList(os.Getenv(PluginPathEnvVar)) {
		if d != "" {
			dirs = append(dirs, d)
		}
	}
	if home, err := os.UserHomeDir(); err == nil {
		base := filepath.Join(home, ".local", "lib", "go-xla")
		dirs = append(dirs, base, filepath.Join(base, "nvidia"))
	}
	dirs = append(dirs, "/usr/local/lib/go-xla", "/usr/local/lib/go-xla/nvidia")
	return dirs
}

// FindPlugins lists the PJRT plugin files in dirs: files named pjrt_c_api_<kind>_plugin.so
// (or pjrt_c_api_<kind>_<version>_plugin.so), and the xla_cuda_plugin.so shipped in JAX's
// CUDA wheels. Missing directories are skipped. The result is sorted and de-duplicated.
func FindPlugins(dirs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, d := range dirs {
		entries, err := os.ReadDir(d)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if e.IsDir() || !isPluginName(e.Name()) {
				continue
			}
			p, err := filepath.Abs(filepath.Join(d, e.Name()))
			if err != nil || seen[p] {
				continue
			}
			seen[p] = true
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

func isPluginName(name string) bool {
	if name == "xla_cuda_plugin.so" {
		return true
	}
	return strings.HasPrefix(name, "pjrt_c_api_") && strings.HasSuffix(name, "_plugin.so")
}

// pluginKind returns "cuda", "cpu" or "other" from a plugin's file name.
func pluginKind(path string) string {
	name := filepath.Base(path)
	switch {
	case strings.Contains(name, "cuda"):
		return "cuda"
	case strings.Contains(name, "cpu"):
		return "cpu"
	}
	return "other"
}
