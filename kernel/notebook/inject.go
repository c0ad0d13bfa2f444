package notebook

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// Tags of the papermill conventions.
const (
	// ParametersTag marks the cell holding the parameter defaults.
	ParametersTag = "parameters"
	// InjectedTag marks the cell of assignments written by Inject.
	InjectedTag = "injected-parameters"
)

// ParamError lists everything wrong with the parameters of a run (unknown names,
// values that do not fit their default's type, a missing parameters cell).
type ParamError struct {
	Problems []string
}

// Error lists the problems, one per line.
func (e *ParamError) Error() string {
	if len(e.Problems) == 1 {
		return e.Problems[0]
	}
	return fmt.Sprintf("%d problems with the parameters:\n  %s", len(e.Problems), strings.Join(e.Problems, "\n  "))
}

// Inject writes params into nb following papermill's conventions: the values are
// checked against the defaults of the first cell tagged "parameters" and written
// as Go assignments, typed like the defaults, in a new code cell tagged
// "injected-parameters" placed right after it (without a parameters cell, first, with
// declarations typed from the values: see injectFirst); injected cells of an earlier
// run are removed. A later value of the same name replaces an earlier one. It returns the
// injected literals by name (nil, and nb unchanged, without params). All problems
// are reported at once as a *ParamError and leave nb unchanged.
func Inject(nb *Notebook, params []Param) (map[string]string, error) {
	if len(params) == 0 {
		return nil, nil
	}
	var merged []Param
	index := map[string]int{}
	for _, p := range params {
		if i, ok := index[p.Name]; ok {
			merged[i] = p
			continue
		}
		index[p.Name] = len(merged)
		merged = append(merged, p)
	}
	pi := -1
	for i, c := range nb.Cells {
		if c.Type == "code" && c.HasTag(ParametersTag) {
			pi = i
			break
		}
	}
	if pi < 0 {
		return injectFirst(nb, merged)
	}
	where := fmt.Sprintf("the parameters cell (cell %d)", pi+1)
	defaults, err := ParseDefaults(nb.Cells[pi].Source)
	if err != nil {
		return nil, &ParamError{Problems: []string{fmt.Sprintf("%s is not Go the runner can read: %v", where, err)}}
	}
	byName := map[string]Default{}
	var known []string
	for _, d := range defaults {
		if _, dup := byName[d.Name]; !dup {
			known = append(known, d.Name)
		}
		byName[d.Name] = d
	}
	var problems []string
	literals := map[string]string{}
	var src strings.Builder
	src.WriteString("// Parameters injected by im2im run")
	for _, p := range merged {
		d, ok := byName[p.Name]
		switch {
		case !ok:
			list := "declares none"
			if len(known) > 0 {
				list = "declares: " + strings.Join(known, ", ")
			}
			problems = append(problems, fmt.Sprintf("unknown parameter %q (%s); %s %s", p.Name, p.Origin, where, list))
			continue
		case d.Const:
			problems = append(problems, fmt.Sprintf("parameter %q (%s) is a constant in %s, line %d; declare it with var or := to make it a parameter",
				p.Name, p.Origin, where, d.Line))
			continue
		case d.Type == nil:
			what := "`var " + d.Name + "` without a value"
			if d.Expr != "" {
				what = "`" + d.Expr + "`"
			}
			problems = append(problems, fmt.Sprintf("parameter %q (%s): the type of its default %s (%s, line %d) cannot be inferred; "+
				"give it a literal default or a basic type (var %s float64 = ...)", p.Name, p.Origin, what, where, d.Line, d.Name))
			continue
		}
		lit, err := p.Literal(d.Type)
		if err != nil {
			like := d.Type.Name
			if d.Expr != "" {
				like += " like its default " + d.Expr
			}
			problems = append(problems, fmt.Sprintf("parameter %q (%s): %v (it is %s, %s line %d)", p.Name, p.Origin, err, like, where, d.Line))
			continue
		}
		literals[p.Name] = lit
		fmt.Fprintf(&src, "\n%s = %s", p.Name, lit)
	}
	if len(problems) > 0 {
		return nil, &ParamError{Problems: problems}
	}
	if err := insertInjected(nb, src.String(), pi); err != nil {
		return nil, err
	}
	return literals, nil
}

// injectFirst is Inject for a notebook without a parameters cell, as papermill does it:
// the injected cell goes first and declares each parameter (`var name T = value`) with
// the type its value reads as (YAML: integer → int, number → float64, true/false →
// bool, other text → string; lists of one kind → slices).
func injectFirst(nb *Notebook, params []Param) (map[string]string, error) {
	var problems []string
	literals := map[string]string{}
	var src strings.Builder
	src.WriteString("// Parameters injected by im2im run (the notebook has no cell tagged \"" + ParametersTag + "\")")
	for _, p := range params {
		t, err := inferType(p.Node)
		if err != nil {
			problems = append(problems, fmt.Sprintf("parameter %q (%s): %v; the notebook has no cell tagged %q to declare its type",
				p.Name, p.Origin, err, ParametersTag))
			continue
		}
		lit, err := p.Literal(t)
		if err != nil {
			problems = append(problems, fmt.Sprintf("parameter %q (%s): %v", p.Name, p.Origin, err))
			continue
		}
		literals[p.Name] = lit
		fmt.Fprintf(&src, "\nvar %s %s = %s", p.Name, t.Name, lit)
	}
	if len(problems) > 0 {
		return nil, &ParamError{Problems: problems}
	}
	if err := insertInjected(nb, src.String(), -1); err != nil {
		return nil, err
	}
	return literals, nil
}

// inferType is the Go type a parameter value without a declared default gets.
func inferType(n *yaml.Node) (*Type, error) {
	switch {
	case n == nil:
		return nil, errors.New("no value")
	case n.Kind == yaml.SequenceNode:
		if len(n.Content) == 0 {
			return nil, errors.New("the element type of an empty list cannot be inferred")
		}
		var elem *Type
		for i, e := range n.Content {
			t, err := inferType(e)
			if err != nil {
				return nil, fmt.Errorf("element %d: %w", i+1, err)
			}
			switch {
			case elem == nil || elem.Name == t.Name:
				elem = t
			case isNumber(elem) && isNumber(t):
				elem = named("float64")
			default:
				return nil, fmt.Errorf("a list mixing %s and %s", elem.Name, t.Name)
			}
		}
		return &Type{Name: "[]" + elem.Name, Kind: "slice", Elem: elem}, nil
	case n.Kind != yaml.ScalarNode:
		return nil, fmt.Errorf("cannot be a Go parameter (%s)", kindName(n))
	}
	switch n.Tag {
	case "!!int":
		return named("int"), nil
	case "!!float":
		return named("float64"), nil
	case "!!bool":
		return named("bool"), nil
	case "!!null":
		return nil, errors.New("null has no type")
	}
	return named("string"), nil
}

// insertInjected puts the injected-parameters cell with source src after cell index
// after (−1: first), dropping injected cells of an earlier run.
func insertInjected(nb *Notebook, src string, after int) error {
	cell := &Cell{Type: "code", Source: src, Metadata: map[string]json.RawMessage{}}
	if err := cell.SetMetadata("tags", []string{InjectedTag}); err != nil {
		return err
	}
	if needsIDs(nb) {
		id, err := newCellID(nb)
		if err != nil {
			return err
		}
		cell.ID = id
	}
	var cells []*Cell
	if after < 0 {
		cells = append(cells, cell)
	}
	for i, c := range nb.Cells {
		if c.HasTag(InjectedTag) {
			continue
		}
		cells = append(cells, c)
		if i == after {
			cells = append(cells, cell)
		}
	}
	nb.Cells = cells
	return nil
}

// needsIDs reports whether cells carry ids: nbformat ≥ 4.5, or any cell has one.
func needsIDs(nb *Notebook) bool {
	if nb.Minor >= 5 {
		return true
	}
	for _, c := range nb.Cells {
		if c.ID != "" {
			return true
		}
	}
	return false
}

// newCellID returns a random 8-hex-digit cell id not used in nb.
func newCellID(nb *Notebook) (string, error) {
	used := map[string]bool{}
	for _, c := range nb.Cells {
		used[c.ID] = true
	}
	for range 100 {
		var b [4]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", fmt.Errorf("cell id: %w", err)
		}
		if id := hex.EncodeToString(b[:]); !used[id] {
			return id, nil
		}
	}
	return "", errors.New("cell id: no unused id found")
}
