package layering

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
)

// List runs `go list -e -json ./...` in dir (a folder of the module) and
// returns the module path and every package of the module with its direct
// imports and its tests' imports. Packages that do not build are still listed
// with the imports their files declare (-e): building is the compiler's check.
func List(dir string) (module string, pkgs []Package, err error) {
	mod, err := goCmd(dir, "list", "-m", "-f", "{{.Path}}")
	if err != nil {
		return "", nil, err
	}
	module = strings.TrimSpace(string(mod))
	out, err := goCmd(dir, "list", "-e", "-json=ImportPath,Imports,TestImports,XTestImports", module+"/...")
	if err != nil {
		return "", nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p struct {
			ImportPath                         string
			Imports, TestImports, XTestImports []string
		}
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return "", nil, fmt.Errorf("layering: go list output: %w", err)
		}
		pkgs = append(pkgs, Package{Path: p.ImportPath, Imports: p.Imports, TestImports: testOnly(p.Imports, p.TestImports, p.XTestImports)})
	}
	return module, pkgs, nil
}

// testOnly returns the imports of the tests that the package itself lacks.
func testOnly(own []string, tests ...[]string) []string {
	seen := map[string]bool{}
	for _, p := range own {
		seen[p] = true
	}
	var out []string
	for _, list := range tests {
		for _, p := range list {
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	return out
}

// goCmd runs the go command in dir and returns its standard output.
func goCmd(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("layering: go %s: %w\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return out, nil
}
