package bioimageio

// kwargs reads a processing step's keyword arguments as YAML decodes them.
type kwargs map[string]any

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case float32:
		return float64(x), true
	}
	return 0, false
}

func (k kwargs) float(name string, def float64) float64 {
	if f, ok := toFloat(k[name]); ok {
		return f
	}
	return def
}

// floats reads a number or a list of numbers (nil when absent).
func (k kwargs) floats(name string) []float64 {
	switch x := k[name].(type) {
	case []any:
		out := make([]float64, 0, len(x))
		for _, v := range x {
			f, _ := toFloat(v)
			out = append(out, f)
		}
		return out
	case []float64:
		return x
	}
	if f, ok := toFloat(k[name]); ok {
		return []float64{f}
	}
	return nil
}

// floatsOr is floats with a one-value default.
func (k kwargs) floatsOr(name string, def float64) []float64 {
	if v := k.floats(name); len(v) > 0 {
		return v
	}
	return []float64{def}
}

func (k kwargs) str(name, def string) string {
	if s, ok := k[name].(string); ok {
		return s
	}
	return def
}

// strs reads a list of strings and whether it was given.
func (k kwargs) strs(name string) ([]string, bool) {
	switch x := k[name].(type) {
	case []string:
		return x, true
	case []any:
		out := make([]string, 0, len(x))
		for _, v := range x {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
		return out, true
	}
	return nil, false
}
