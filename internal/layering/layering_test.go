package layering

import (
	"slices"
	"strings"
	"testing"
)

// TestModule checks this module's real imports (its tests' included) and
// names every import that breaks the layering.
func TestModule(t *testing.T) {
	module, pkgs, err := List(".")
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) < 10 || !slices.ContainsFunc(pkgs, func(p Package) bool { return p.Path == module+"/data/array" }) {
		t.Fatalf("go list found %d packages of %s, without data/array: not this module's list", len(pkgs), module)
	}
	if vs := Check(module, pkgs); len(vs) > 0 {
		var b strings.Builder
		for _, v := range vs {
			b.WriteString("\n\t" + v.String())
		}
		t.Errorf("%d imports break the layering of DESIGN.md (main, kernel, dsl, stdlib, ml, data; imports go down only):%s", len(vs), b.String())
	}
}

// TestCheck: the rules on synthetic packages of a module "m".
func TestCheck(t *testing.T) {
	cases := []struct {
		name string
		pkg  Package
		// want are the offending imports, in order ("" entries not allowed).
		want []string
	}{
		{"down one layer", Package{Path: "m/ml/nets", Imports: []string{"m/data/array", "fmt"}}, nil},
		{"same layer", Package{Path: "m/data/store", Imports: []string{"m/data/array"}}, nil},
		{"main imports every layer", Package{Path: "m", Imports: []string{"m/kernel", "m/dsl", "m/stdlib/im2im", "m/ml/train", "m/data/array"}}, nil},
		{"notebooks' tests use the kernel", Package{Path: "m/notebooks", TestImports: []string{"m/kernel/notebook"}}, nil},
		{"dependencies are allowed", Package{Path: "m/ml/nn", Imports: []string{"github.com/gomlx/gomlx/pkg/core/graph"}}, nil},
		{"up one layer", Package{Path: "m/data/loader", Imports: []string{"m/ml/backend"}}, []string{"m/ml/backend"}},
		{"data imports no GoMLX", Package{Path: "m/data/array", Imports: []string{"github.com/gomlx/gomlx/pkg/core/tensors"}}, []string{"github.com/gomlx/gomlx/pkg/core/tensors"}},
		{"stdlib never imports dsl or kernel", Package{Path: "m/stdlib/im2im", Imports: []string{"m/dsl", "m/kernel/notebook", "m/ml/infer"}}, []string{"m/dsl", "m/kernel/notebook"}},
		{"dsl never imports kernel", Package{Path: "m/dsl/symbols", Imports: []string{"m/kernel"}}, []string{"m/kernel"}},
		{"ml never imports the root", Package{Path: "m/ml/train", Imports: []string{"m"}}, []string{"m"}},
		{"tests are held to the rules too", Package{Path: "m/ml/loss", TestImports: []string{"m/stdlib/im2im"}}, []string{"m/stdlib/im2im"}},
		{"folder in no layer", Package{Path: "m/tools/gen", Imports: []string{"m/data/array"}}, []string{"m/data/array"}},
		{"import of a folder in no layer", Package{Path: "m/kernel", Imports: []string{"m/extra"}}, []string{"m/extra"}},
		{"tool imports no module package", Package{Path: "m/internal/layering", Imports: []string{"m/data/array", "os/exec"}}, []string{"m/data/array"}},
		{"nothing imports the tool", Package{Path: "m", Imports: []string{"m/internal/layering"}}, []string{"m/internal/layering"}},
		{"other modules are not checked", Package{Path: "other/data", Imports: []string{"other/ml"}}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, v := range Check("m", []Package{tc.pkg}) {
				if v.Package != tc.pkg.Path || v.Reason == "" || !strings.Contains(v.String(), v.Import) {
					t.Errorf("malformed violation %+v", v)
				}
				got = append(got, v.Import)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("violations %v, want %v", got, tc.want)
			}
		})
	}
}

// TestCheckReportsAllAtOnce: every violation of every package comes back,
// sorted, tests marked.
func TestCheckReportsAllAtOnce(t *testing.T) {
	vs := Check("m", []Package{
		{Path: "m/ml/nets", Imports: []string{"m/stdlib/im2im", "m/data/array"}, TestImports: []string{"m/kernel"}},
		{Path: "m/data/array", Imports: []string{"m/ml/nn", "m/dsl"}},
	})
	var got []string
	for _, v := range vs {
		got = append(got, v.String())
	}
	want := []string{
		"m/data/array imports m/dsl: data may import only its own layer and those below it, not dsl",
		"m/data/array imports m/ml/nn: data may import only its own layer and those below it, not ml",
		"m/ml/nets imports m/kernel (in its tests): ml may import only its own layer and those below it, not kernel",
		"m/ml/nets imports m/stdlib/im2im: ml may import only its own layer and those below it, not stdlib",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}

func TestTestOnly(t *testing.T) {
	got := testOnly([]string{"fmt", "m/a"}, []string{"testing", "fmt"}, []string{"m/a", "testing", "m/b"})
	if want := []string{"testing", "m/b"}; !slices.Equal(got, want) {
		t.Errorf("testOnly = %v, want %v", got, want)
	}
}
