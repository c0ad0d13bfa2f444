package im2im

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// kinds maps the YAML kind of each interface field's implementations.
var kinds = map[reflect.Type]map[string]reflect.Type{
	reflect.TypeOf((*Model)(nil)).Elem(): frameworkTypes(),
	reflect.TypeOf((*Net)(nil)).Elem(): {
		"unet": reflect.TypeOf(UNet{}), "attention_unet": reflect.TypeOf(AttentionUNet{}), "dyn_unet": reflect.TypeOf(DynUNet{}),
		"resnet":          reflect.TypeOf(ResNetGenerator{}),
		"branched_erfnet": reflect.TypeOf(BranchedERFNet{}),
	},
	reflect.TypeOf((*Loss)(nil)).Elem(): {
		"dice_ce": reflect.TypeOf(DiceCE{}), "dice": reflect.TypeOf(Dice{}), "ce": reflect.TypeOf(CE{}),
		"focal": reflect.TypeOf(Focal{}), "mse": reflect.TypeOf(MSE{}), "l1": reflect.TypeOf(L1{}), "huber": reflect.TypeOf(Huber{}),
		"generalized_dice": reflect.TypeOf(GeneralizedDice{}), "gdl_focal": reflect.TypeOf(GDLFocal{}),
	},
}

// discriminators name the key that selects an interface field's implementation
// and its default when the key is absent (nets and losses: kind, required;
// models: framework, default fcn).
var discriminators = map[reflect.Type][2]string{
	reflect.TypeOf((*Model)(nil)).Elem(): {"framework", "fcn"},
}

// discriminator returns the selecting key of interface type t and its default.
func discriminator(t reflect.Type) (key, def string) {
	if d, ok := discriminators[t]; ok {
		return d[0], d[1]
	}
	return "kind", ""
}

// frameworkTypes maps model.framework names to their declaration types.
func frameworkTypes() map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for name, m := range frameworks {
		out[name] = reflect.TypeOf(m)
	}
	return out
}

// YAML renders the configuration as YAML (snake_case keys; networks and losses
// as mappings with a kind key). Loading the result gives c back.
func (c Config) YAML() string {
	n := encodeValue(reflect.ValueOf(c))
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return "# error: " + err.Error() + "\n"
	}
	enc.Close()
	return b.String()
}

func fieldKey(f reflect.StructField) string {
	tag := f.Tag.Get("yaml")
	name, _, _ := strings.Cut(tag, ",")
	if name == "" {
		return strings.ToLower(f.Name)
	}
	return name
}

func encodeValue(v reflect.Value) *yaml.Node {
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
		}
		e := v.Elem()
		n := encodeValue(e)
		if v.Kind() == reflect.Interface {
			if k, ok := e.Interface().(interface{ Kind() string }); ok {
				n.Content = append([]*yaml.Node{scalar("kind"), scalar(k.Kind())}, n.Content...)
			}
			if m, ok := e.Interface().(Model); ok {
				n.Content = append([]*yaml.Node{scalar("framework"), scalar(m.Framework())}, n.Content...)
			}
		}
		return n
	case reflect.Struct:
		n := &yaml.Node{Kind: yaml.MappingNode}
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() || f.Tag.Get("yaml") == "-" {
				continue
			}
			if strings.HasSuffix(f.Tag.Get("yaml"), ",omitempty") && v.Field(i).IsZero() {
				continue
			}
			n.Content = append(n.Content, scalar(fieldKey(f)), encodeValue(v.Field(i)))
		}
		return n
	case reflect.Slice:
		n := &yaml.Node{Kind: yaml.SequenceNode}
		flow := true
		for i := 0; i < v.Len(); i++ {
			c := encodeValue(v.Index(i))
			if c.Kind != yaml.ScalarNode {
				flow = false
			}
			n.Content = append(n.Content, c)
		}
		if flow {
			n.Style = yaml.FlowStyle
		}
		return n
	case reflect.Map:
		n := &yaml.Node{Kind: yaml.MappingNode}
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		for _, k := range keys {
			n.Content = append(n.Content, scalar(k.String()), encodeValue(v.MapIndex(k)))
		}
		if len(keys) > 0 && len(keys) <= 6 {
			n.Style = yaml.FlowStyle
		}
		return n
	}
	n := &yaml.Node{}
	if err := n.Encode(v.Interface()); err != nil {
		return scalar(fmt.Sprint(v.Interface()))
	}
	return n
}

func scalar(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

// LoadConfig reads a YAML configuration file and applies dotted overrides
// ("data.patch.size=32,128,128", "trainer.epochs=5"). When path is not a file
// but a preset's name, the preset is the base. Unknown keys are rejected with the
// nearest valid key suggested; every problem is reported at once.
func LoadConfig(path string, overrides ...string) (Config, error) {
	var root *yaml.Node
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		var doc yaml.Node
		if err := yaml.Unmarshal(b, &doc); err != nil {
			return Config{}, fmt.Errorf("%s: %w", path, err)
		}
		if len(doc.Content) == 0 {
			root = &yaml.Node{Kind: yaml.MappingNode}
		} else {
			root = doc.Content[0]
		}
	case errors.Is(err, os.ErrNotExist):
		p, perr := Preset(path)
		if perr != nil {
			return Config{}, fmt.Errorf("config %s: no such file, and %v", path, perr)
		}
		root = encodeValue(reflect.ValueOf(p))
	default:
		return Config{}, err
	}
	return configFromNode(path, root, overrides)
}

// ParseConfig parses YAML text (name is used in messages) with dotted overrides.
func ParseConfig(name, text string, overrides ...string) (Config, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		return Config{}, fmt.Errorf("%s: %w", name, err)
	}
	root := &yaml.Node{Kind: yaml.MappingNode}
	if len(doc.Content) > 0 {
		root = doc.Content[0]
	}
	return configFromNode(name, root, overrides)
}

func configFromNode(name string, root *yaml.Node, overrides []string) (Config, error) {
	var errs Problems
	for _, o := range overrides {
		if err := applyOverride(root, o); err != nil {
			errs = append(errs, Problem{Message: err.Error()})
		}
	}
	var c Config
	decodeValue(root, reflect.ValueOf(&c).Elem(), "", &errs)
	if len(errs) > 0 {
		// Report everything at once: validate what could be decoded too, leaving
		// out what repeats a decoding problem's path.
		if err := c.Validate(); err != nil {
			var ve *ValidationError
			if errors.As(err, &ve) {
				errs = append(errs, unrelatedProblems(ve.Problems, errs)...)
			} else {
				errs = append(errs, Problem{Message: err.Error()})
			}
		}
		return Config{}, fmt.Errorf("%s: %w", name, &ValidationError{Problems: dedupe(errs)})
	}
	return c, nil
}

// unrelatedProblems returns the problems of more whose path is neither one of
// known's paths nor inside or above one (a value that failed to decode is zero,
// and its validation would only repeat the decoding problem).
func unrelatedProblems(more, known Problems) Problems {
	var out Problems
	for _, m := range more {
		related := false
		for _, k := range known {
			if k.Path != "" && (pathWithin(m.Path, k.Path) || pathWithin(k.Path, m.Path)) {
				related = true
				break
			}
		}
		if !related {
			out = append(out, m)
		}
	}
	return out
}

// pathWithin reports whether path is base or a key or index below it.
func pathWithin(path, base string) bool {
	if !strings.HasPrefix(path, base) {
		return false
	}
	rest := path[len(base):]
	return rest == "" || rest[0] == '.' || rest[0] == '['
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func where(n *yaml.Node) string {
	if n == nil || n.Line == 0 {
		return ""
	}
	return fmt.Sprintf(" (line %d)", n.Line)
}

// decodeValue decodes n into v, appending every problem (with its path) to errs.
func decodeValue(n *yaml.Node, v reflect.Value, path string, errs *Problems) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		v.Set(reflect.Zero(v.Type()))
		return
	}
	fail := func(format string, args ...any) {
		errs.Add(path, "%s%s", fmt.Sprintf(format, args...), where(n))
	}
	switch v.Kind() {
	case reflect.Interface:
		impls, ok := kinds[v.Type()]
		if !ok { // map values (transform parameters): plain YAML
			var x any
			if err := n.Decode(&x); err != nil {
				fail("%v", err)
				return
			}
			if x != nil {
				v.Set(reflect.ValueOf(x))
			}
			return
		}
		names := make([]string, 0, len(impls))
		for k := range impls {
			names = append(names, k)
		}
		sort.Strings(names)
		key, kind := discriminator(v.Type())
		if n.Kind != yaml.MappingNode {
			fail("want a mapping with a %s key (%s)", key, strings.Join(names, ", "))
			return
		}
		rest := &yaml.Node{Kind: yaml.MappingNode, Line: n.Line}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				kind = n.Content[i+1].Value
			} else {
				rest.Content = append(rest.Content, n.Content[i], n.Content[i+1])
			}
		}
		t, ok := impls[kind]
		if !ok {
			msg := fmt.Sprintf("unknown %s %q (want %s)", key, kind, strings.Join(names, ", "))
			if kind == "" {
				msg = fmt.Sprintf("missing %s (want %s)", key, strings.Join(names, ", "))
			} else if s := nearest(kind, names); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			}
			errs.Add(joinPath(path, key), "%s%s", msg, where(n))
			return
		}
		x := reflect.New(t).Elem()
		decodeValue(rest, x, path, errs)
		v.Set(x)
	case reflect.Pointer:
		x := reflect.New(v.Type().Elem())
		decodeValue(n, x.Elem(), path, errs)
		v.Set(x)
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			fail("want a mapping, got %s", kindName(n))
			return
		}
		t := v.Type()
		fields := map[string]int{}
		var names []string
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if f.IsExported() && f.Tag.Get("yaml") != "-" {
				fields[fieldKey(f)] = i
				names = append(names, fieldKey(f))
			}
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			idx, ok := fields[k]
			if !ok {
				msg := "unknown key"
				if s := nearest(k, names); s != "" {
					msg += fmt.Sprintf("; did you mean %q?", s)
				} else {
					msg += fmt.Sprintf(" (valid: %s)", strings.Join(names, ", "))
				}
				errs.Add(joinPath(path, k), "%s%s", msg, where(n.Content[i]))
				continue
			}
			decodeValue(n.Content[i+1], v.Field(idx), joinPath(path, k), errs)
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			fail("want a list, got %s", kindName(n))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, c := range n.Content {
			decodeValue(c, s.Index(i), fmt.Sprintf("%s[%d]", path, i), errs)
		}
		v.Set(s)
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			fail("want a mapping, got %s", kindName(n))
			return
		}
		m := reflect.MakeMap(v.Type())
		for i := 0; i+1 < len(n.Content); i += 2 {
			x := reflect.New(v.Type().Elem()).Elem()
			decodeValue(n.Content[i+1], x, joinPath(path, n.Content[i].Value), errs)
			m.SetMapIndex(reflect.ValueOf(n.Content[i].Value).Convert(v.Type().Key()), x)
		}
		v.Set(m)
	default:
		if n.Kind != yaml.ScalarNode {
			fail("want a %s, got %s", v.Kind(), kindName(n))
			return
		}
		if err := n.Decode(v.Addr().Interface()); err != nil {
			fail("want a %s, got %q", v.Kind(), n.Value)
		}
	}
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	return fmt.Sprintf("%q", n.Value)
}

// applyOverride sets one dotted key (pyrallis style, optional leading --) in the
// YAML tree: "data.patch.size=32,128,128" (a comma list becomes a YAML list),
// "model.net.kind=attention_unet", "data.augment.0.params.prob=0.3". Missing
// mappings are created; unknown keys are reported when the tree is decoded.
func applyOverride(root *yaml.Node, o string) error {
	o = strings.TrimLeft(o, "-")
	key, val, ok := strings.Cut(o, "=")
	if !ok || key == "" {
		return fmt.Errorf("override %q: want key.path=value", o)
	}
	text := val
	if strings.Contains(val, ",") && !strings.HasPrefix(strings.TrimSpace(val), "[") && !strings.HasPrefix(strings.TrimSpace(val), "{") {
		text = "[" + val + "]"
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		return fmt.Errorf("override %s: value %q: %v", key, val, err)
	}
	value := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	if len(doc.Content) > 0 {
		value = doc.Content[0]
	}
	parts := strings.Split(key, ".")
	n := root
	for i, p := range parts {
		last := i == len(parts)-1
		switch n.Kind {
		case yaml.SequenceNode:
			idx, err := strconv.Atoi(p)
			if err != nil || idx < 0 || idx >= len(n.Content) {
				return fmt.Errorf("override %s: %s is a list of %d; %q is not an index", key, strings.Join(parts[:i], "."), len(n.Content), p)
			}
			if last {
				n.Content[idx] = value
				return nil
			}
			n = n.Content[idx]
		case yaml.MappingNode:
			found := false
			for j := 0; j+1 < len(n.Content); j += 2 {
				if n.Content[j].Value == p {
					if last {
						n.Content[j+1] = value
						return nil
					}
					if c := n.Content[j+1]; c.Kind == yaml.ScalarNode && c.Tag == "!!null" {
						*c = yaml.Node{Kind: yaml.MappingNode}
					}
					n, found = n.Content[j+1], true
					break
				}
			}
			if !found {
				child := value
				if !last {
					child = &yaml.Node{Kind: yaml.MappingNode}
				}
				n.Content = append(n.Content, scalar(p), child)
				if last {
					return nil
				}
				n = child
			}
		default:
			return fmt.Errorf("override %s: %s is %s, not a mapping", key, strings.Join(parts[:i], "."), kindName(n))
		}
	}
	return nil
}
