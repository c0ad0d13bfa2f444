package transform

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// registry maps a config name to a constructor returning the transform with its
// defaults set.
var registry = map[string]func() Transform{}

// register adds a transform constructor under its name; called from init.
func register(f func() Transform) { registry[f().Name()] = f }

// Names returns every registered transform name, sorted.
func Names() []string {
	out := make([]string, 0, len(registry))
	for n := range registry {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// validator is implemented by transforms that check their parameters.
type validator interface{ validate() error }

// New builds the transform called name with parameters from a config map (keys
// as the `param` struct tags; missing keys keep their defaults). Every problem
// is reported at once, each naming the transform and the parameter.
func New(name string, params map[string]any) (Transform, error) {
	f, ok := registry[name]
	if !ok {
		return nil, fmt.Errorf("transform %q: unknown (known: %s)", name, strings.Join(Names(), ", "))
	}
	t := f()
	v := reflect.ValueOf(t).Elem()
	fields := paramFields(v.Type())
	var problems []string
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		idx, ok := fields[k]
		if !ok {
			known := make([]string, 0, len(fields))
			for n := range fields {
				known = append(known, n)
			}
			sort.Strings(known)
			problems = append(problems, fmt.Sprintf("unknown parameter %q (known: %s)", k, strings.Join(known, ", ")))
			continue
		}
		if err := setField(v.Field(idx), params[k]); err != nil {
			problems = append(problems, fmt.Sprintf("parameter %q: %v", k, err))
		}
	}
	if len(problems) == 0 {
		if val, ok := t.(validator); ok {
			if err := val.validate(); err != nil {
				problems = append(problems, err.Error())
			}
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("transform %q: %s", name, strings.Join(problems, "; "))
	}
	return t, nil
}

// Params returns a transform's parameters keyed by their config names.
func Params(t Transform) map[string]any {
	if u, ok := t.(interface{ Unwrap() Transform }); ok {
		out := Params(u.Unwrap())
		out["if_present"] = true // a different chain: fingerprints must differ
		return out
	}
	v := reflect.ValueOf(t)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	out := map[string]any{}
	for name, idx := range paramFields(v.Type()) {
		out[name] = v.Field(idx).Interface()
	}
	return out
}

// Check validates a transform built in Go (not through New).
func Check(t Transform) error {
	if val, ok := t.(validator); ok {
		if err := val.validate(); err != nil {
			return fmt.Errorf("transform %q: %w", t.Name(), err)
		}
	}
	return nil
}

func paramFields(t reflect.Type) map[string]int {
	out := map[string]int{}
	for i := 0; i < t.NumField(); i++ {
		if tag := t.Field(i).Tag.Get("param"); tag != "" {
			out[tag] = i
		}
	}
	return out
}

// setField stores a config value (from YAML/JSON/DSL: numbers, strings, bools,
// lists of them) in a field of kind float64, int, bool, string or slices of them.
func setField(f reflect.Value, val any) error {
	switch f.Kind() {
	case reflect.Float64:
		x, err := toFloat(val)
		if err != nil {
			return err
		}
		f.SetFloat(x)
	case reflect.Int:
		x, err := toInt(val)
		if err != nil {
			return err
		}
		f.SetInt(int64(x))
	case reflect.Bool:
		b, ok := val.(bool)
		if !ok {
			return fmt.Errorf("want true or false, got %v (%T)", val, val)
		}
		f.SetBool(b)
	case reflect.String:
		s, ok := val.(string)
		if !ok {
			return fmt.Errorf("want a string, got %v (%T)", val, val)
		}
		f.SetString(s)
	case reflect.Slice:
		items, err := toList(val)
		if err != nil {
			return err
		}
		if len(items) == 0 {
			f.Set(reflect.Zero(f.Type())) // nil: one canonical empty list
			return nil
		}
		out := reflect.MakeSlice(f.Type(), len(items), len(items))
		for i, it := range items {
			if err := setField(out.Index(i), it); err != nil {
				return fmt.Errorf("item %d: %v", i, err)
			}
		}
		f.Set(out)
	default:
		return fmt.Errorf("unsupported field kind %s", f.Kind())
	}
	return nil
}

func toFloat(v any) (float64, error) {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, fmt.Errorf("want a finite number, got %v", x)
		}
		return x, nil
	case float32:
		return toFloat(float64(x))
	case int:
		return float64(x), nil
	case int64:
		return float64(x), nil
	case string:
		y, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil {
			return 0, fmt.Errorf("want a number, got %q", x)
		}
		return toFloat(y)
	}
	return 0, fmt.Errorf("want a number, got %v (%T)", v, v)
}

func toInt(v any) (int, error) {
	f, err := toFloat(v)
	if err != nil {
		return 0, fmt.Errorf("want an integer, got %v", v)
	}
	if f != math.Trunc(f) || math.Abs(f) > 1<<31 {
		return 0, fmt.Errorf("want an integer, got %v", v)
	}
	return int(f), nil
}

// toList accepts a list, or a scalar (a one-element list), or a comma-separated
// string as given by command-line overrides ("32,128,128").
func toList(v any) ([]any, error) {
	switch x := v.(type) {
	case []any:
		return x, nil
	case []int:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = e
		}
		return out, nil
	case []float64:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = e
		}
		return out, nil
	case []string:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = e
		}
		return out, nil
	case string:
		if strings.TrimSpace(x) == "" {
			return nil, nil
		}
		parts := strings.Split(x, ",")
		out := make([]any, len(parts))
		for i, p := range parts {
			out[i] = strings.TrimSpace(p)
		}
		return out, nil
	case nil:
		return nil, nil
	}
	return []any{v}, nil
}
