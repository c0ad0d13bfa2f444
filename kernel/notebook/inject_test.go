package notebook

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// nbWith builds a notebook from cells given as (type, tags, source) triples.
func nbWith(t *testing.T, minor int, cells ...[3]string) *Notebook {
	t.Helper()
	var b strings.Builder
	b.WriteString(`{"nbformat": 4, "nbformat_minor": ` + string(rune('0'+minor)) + `, "metadata": {}, "cells": [`)
	for i, c := range cells {
		if i > 0 {
			b.WriteString(",")
		}
		tags := "[]"
		if c[1] != "" {
			tags = `["` + c[1] + `"]`
		}
		src, _ := json.Marshal(c[2])
		b.WriteString(`{"cell_type": "` + c[0] + `", "metadata": {"tags": ` + tags + `}, "source": ` + string(src))
		if c[0] == "code" {
			b.WriteString(`, "outputs": [], "execution_count": null`)
		}
		b.WriteString("}")
	}
	b.WriteString("]}")
	nb, err := Parse([]byte(b.String()))
	if err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	return nb
}

func args(t *testing.T, as ...string) []Param {
	t.Helper()
	var ps []Param
	for _, a := range as {
		p, err := ParseArg(a)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	return ps
}

func TestInjectAfterParametersCell(t *testing.T) {
	nb := nbWith(t, 5,
		[3]string{"markdown", "", "# title"},
		[3]string{"code", "", "import \"fmt\""},
		[3]string{"code", "parameters", "epochs := 3\nname := \"a\"\nsizes := []int{1}"},
		[3]string{"code", "injected-parameters", "epochs = 100"}, // an earlier run's
		[3]string{"code", "", "fmt.Println(epochs)"},
	)
	lits, err := Inject(nb, args(t, "epochs=7", "sizes=4,5", "epochs=9"))
	if err != nil {
		t.Fatal(err)
	}
	if len(nb.Cells) != 5 {
		t.Fatalf("%d cells, want 5 (the old injected cell replaced)", len(nb.Cells))
	}
	inj := nb.Cells[3]
	if !inj.HasTag(InjectedTag) || inj.Type != "code" {
		t.Fatalf("cell 4 is %s %v", inj.Type, inj.Tags())
	}
	want := "// Parameters injected by im2im run\nepochs = 9\nsizes = []int{4, 5}"
	if inj.Source != want {
		t.Errorf("injected source\n%s\nwant\n%s", inj.Source, want)
	}
	if len(inj.ID) != 8 {
		t.Errorf("injected cell id %q, want 8 hex digits (nbformat 4.5)", inj.ID)
	}
	if lits["epochs"] != "9" || lits["sizes"] != "[]int{4, 5}" || len(lits) != 2 {
		t.Errorf("literals %v", lits)
	}
	if nb.Cells[4].Source != "fmt.Println(epochs)" {
		t.Errorf("cell after the injected one: %q", nb.Cells[4].Source)
	}
}

func TestInjectNoIDsBefore45(t *testing.T) {
	nb := nbWith(t, 4, [3]string{"code", "parameters", "x := 1"})
	if _, err := Inject(nb, args(t, "x=2")); err != nil {
		t.Fatal(err)
	}
	if nb.Cells[1].ID != "" {
		t.Errorf("nbformat 4.4 cell got id %q", nb.Cells[1].ID)
	}
}

func TestInjectNothingLeavesNotebookAlone(t *testing.T) {
	nb := nbWith(t, 5, [3]string{"code", "parameters", "x := 1"}, [3]string{"code", "injected-parameters", "x = 5"})
	lits, err := Inject(nb, nil)
	if err != nil || lits != nil || len(nb.Cells) != 2 {
		t.Fatalf("Inject(nil) = %v, %v; %d cells", lits, err, len(nb.Cells))
	}
}

func TestInjectErrors(t *testing.T) {
	params := [3]string{"code", "parameters", "epochs := 3\nlr := 1e-3\nconst seed = 1\nf := compute()\nvar later Custom"}
	for _, tc := range []struct {
		name  string
		cells [][3]string
		args  []string
		want  []string
	}{
		{"unknown name", [][3]string{params}, []string{"epoch=3"},
			[]string{`unknown parameter "epoch" (-p epoch=3); the parameters cell (cell 1) declares: epochs, lr, seed, f, later`}},
		{"wrong type", [][3]string{params}, []string{"epochs=1.5"},
			[]string{`parameter "epochs" (-p epochs=1.5): want an integer (int), got "1.5" (it is int like its default 3, the parameters cell (cell 1) line 1)`}},
		{"constant", [][3]string{params}, []string{"seed=2"},
			[]string{`parameter "seed" (-p seed=2) is a constant in the parameters cell (cell 1), line 3`}},
		{"untyped default", [][3]string{params}, []string{"f=2"},
			[]string{"the type of its default `compute()`", "line 4", "cannot be inferred"}},
		{"named type without value", [][3]string{params}, []string{"later=2"},
			[]string{"default `var later` without a value (the parameters cell (cell 1), line 5) cannot be inferred"}},
		{"all problems at once", [][3]string{params}, []string{"a=1", "epochs=x", "lr=[1]"},
			[]string{"3 problems with the parameters", `unknown parameter "a"`, `parameter "epochs"`, `parameter "lr"`}},
		{"no parameters cell, uninferable values", [][3]string{{"code", "", "x := 1"}}, []string{"a=[]", "b=null", "c=[1, x]", "d={k: 1}"},
			[]string{"4 problems", `parameter "a" (-p a=[]): the element type of an empty list cannot be inferred; the notebook has no cell tagged "parameters"`,
				`parameter "b" (-p b=null): null has no type`, `parameter "c" (-p c=[1, x]): a list mixing int and string`, `parameter "d"`}},
		{"parameters cell not Go", [][3]string{{"code", "parameters", "x := (1"}}, []string{"x=2"},
			[]string{"the parameters cell (cell 1) is not Go the runner can read: line 1:"}},
		{"empty parameters cell", [][3]string{{"code", "parameters", "// none"}}, []string{"x=2"},
			[]string{`unknown parameter "x" (-p x=2); the parameters cell (cell 1) declares none`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nb := nbWith(t, 5, tc.cells...)
			before, _ := nb.Marshal()
			_, err := Inject(nb, args(t, tc.args...))
			if _, ok := err.(*ParamError); !ok {
				t.Fatalf("error %v (%T), want a *ParamError", err, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%s\nlacks\n%s", err, w)
				}
			}
			after, _ := nb.Marshal()
			if string(before) != string(after) {
				t.Error("a failed Inject changed the notebook")
			}
		})
	}
}

// TestInjectWithoutParametersCell: as papermill does, the injected cell goes first; its
// declarations take the types the values read as (a markdown cell tagged "parameters"
// does not count).
func TestInjectWithoutParametersCell(t *testing.T) {
	nb := nbWith(t, 5,
		[3]string{"markdown", "parameters", "# not code"},
		[3]string{"code", "injected-parameters", "epochs = 100"}, // an earlier run's
		[3]string{"code", "", "println(epochs)"},
	)
	lits, err := Inject(nb, args(t, "epochs=7", "lr=1e-3", "name=cells", "quick=true", "sizes=[32, 64]", "scales=[1, 2.5]", "id=007"))
	if err != nil {
		t.Fatal(err)
	}
	want := "// Parameters injected by im2im run (the notebook has no cell tagged \"parameters\")\n" +
		"var epochs int = 7\nvar lr float64 = 0.001\nvar name string = \"cells\"\nvar quick bool = true\n" +
		"var sizes []int = []int{32, 64}\nvar scales []float64 = []float64{1, 2.5}\nvar id int = 7" // YAML reads 007 as the integer 7
	if len(nb.Cells) != 3 || !nb.Cells[0].HasTag(InjectedTag) || nb.Cells[0].Source != want {
		t.Fatalf("cells %d, first %q, want\n%s", len(nb.Cells), nb.Cells[0].Source, want)
	}
	if nb.Cells[1].Type != "markdown" || nb.Cells[2].Source != "println(epochs)" {
		t.Errorf("the other cells moved or changed: %q, %q", nb.Cells[1].Source, nb.Cells[2].Source)
	}
	if lits["sizes"] != "[]int{32, 64}" || lits["name"] != `"cells"` {
		t.Errorf("literals %v", lits)
	}
}

func TestInjectFromYAMLFile(t *testing.T) {
	b, err := os.ReadFile("testdata/params.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ps, err := ParseYAML(b, "testdata/params.yaml")
	if err != nil {
		t.Fatal(err)
	}
	nb, err := Read("testdata/params.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	// The command line comes after the file and wins.
	ps = append(ps, args(t, "epochs=11")...)
	if _, err := Inject(nb, ps); err != nil {
		t.Fatal(err)
	}
	want := "// Parameters injected by im2im run\nepochs = 11\nname = \"from yaml\"\nsizes = []int{16, 8}\nverbose = true\nscale = 0.25"
	if got := nb.Cells[2].Source; got != want {
		t.Errorf("injected\n%s\nwant\n%s", got, want)
	}
}
