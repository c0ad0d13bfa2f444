package im2im

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// model maps mmv's model section (framework already set).
func (c *mmvConv) model(n *yaml.Node) {
	for _, e := range entries(n) {
		p := "model." + e.key
		switch e.key {
		case "framework":
		case "net":
			if c.gan() {
				c.ganNets(e.v, p)
			} else {
				c.net(e.v, p, "model.net")
			}
		case "criterion":
			switch c.framework {
			case "fcn":
				c.criterion(e.v, p)
			case "embedseg":
				c.embedCriterion(e.v, p)
			case "probunet":
				c.elboCriterion(e.v, p)
			default:
				c.ganCriterion(e.v, p)
			}
		case "optimizer":
			c.optimizers(e.v, p)
		case "scheduler":
			c.schedulers(e.v, p)
		case "model_extra":
			c.modelExtra(e.v, p)
		case "checkpoint":
			c.inference.Checkpoint = str(e.v)
			c.drop(e.v, p, "`im2im predict -c` loads it unless --checkpoint is given; it must be an im2im checkpoint (mmv's Lightning files cannot be read)")
		default:
			c.fail(e.k, p, "unknown mmv_im2im model key")
		}
	}
}

// netParam returns the first of the given params present, marking all used.
func netParam(t *mmvTransform, names ...string) *yaml.Node {
	var out *yaml.Node
	for _, n := range names {
		if v := t.param(n); v != nil && out == nil {
			out = v
		}
	}
	return out
}

// net maps a {module_name, func_name, params} network to an im2im net at the
// im2im path at.
func (c *mmvConv) net(n *yaml.Node, p, at string) {
	t := &mmvTransform{path: p, node: n, params: child(n, "params"), used: map[string]bool{}}
	fn := str(child(n, "func_name"))
	module := str(child(n, "module_name"))
	m := mapping()
	kind := ""
	var features []int // a replaced net's levels, when its params give them
	switch {
	case strings.HasPrefix(fn, "BranchedERFNet"):
		c.erfNet(t, fn, at)
		return
	case module == "monai.networks.nets" && fn == "UNet", fn == "ProbabilisticUNet":
		kind = "unet"
	case module == "monai.networks.nets" && (fn == "AttentionUnet" || fn == "AttentionUNet"):
		kind = "attention_unet"
	case module == "monai.networks.nets" && (fn == "DynUNet" || fn == "DynUnet"):
		kind = "dyn_unet"
	default:
		kind = "unet"
		features = c.replaceNet(t, module, fn, at)
	}
	if fn != "ProbabilisticUNet" && c.framework == "probunet" {
		c.fail(child(n, "func_name"), p+".func_name", "ProbUnet's net is mmv's ProbabilisticUNet, got %s.%s", module, fn)
	}
	m.Content = append(m.Content, scalar("kind"), scalar(kind))
	add := func(k string, v any) { m.Content = append(m.Content, mapping(k, v).Content...) }
	if features != nil {
		add("features", features)
	}
	if fn == "ProbabilisticUNet" {
		c.probNet(t)
	}
	dims := 0
	if v := netParam(t, "spatial_dims", "dimensions"); v != nil {
		dims, _ = integer(v)
	} else if strings.Contains(module, "3d") || fn == "UNet3D" {
		dims = 3
	} else if strings.Contains(module, "2d") {
		dims = 2
	}
	if dims != 0 {
		add("dims", dims)
		if c.dims == 0 {
			c.dims = dims
		}
	}
	if v, ok := integer(netParam(t, "in_channels", "in_channel", "input_channels")); ok {
		add("in_channels", v)
	}
	if v, ok := integer(netParam(t, "out_channels", "n_classes", "num_classes")); ok {
		add("out_channels", v)
	}
	if kind == "unet" || kind == "attention_unet" {
		if f, ok := ints(netParam(t, "channels")); ok {
			add("features", f)
		}
		if s, ok := ints(netParam(t, "strides")); ok {
			if fn == "ProbabilisticUNet" {
				s = c.probStrides(t, s)
			}
			add("strides", s)
		}
		if kind == "unet" {
			if r, ok := integer(netParam(t, "num_res_units")); ok && r > 0 {
				add("num_res_units", r)
			}
		}
		if k, ok := integer(netParam(t, "kernel_size")); ok {
			add("kernel_size", k)
		}
		if k, ok := integer(netParam(t, "up_kernel_size")); ok {
			add("up_kernel_size", k)
		} else if fn == "UNet" || fn == "ProbabilisticUNet" || kind == "attention_unet" {
			add("up_kernel_size", 3) // MONAI's and ProbabilisticUNet's default
		}
	}
	if kind == "dyn_unet" {
		c.dynUNet(t, add)
	}
	if v := netParam(t, "norm", "norm_name"); v != nil {
		add("norm", monaiName(v))
	}
	if v := netParam(t, "act", "act_name"); v != nil {
		add("act", monaiName(v))
	}
	if f, ok := number(netParam(t, "dropout")); ok && f > 0 {
		add("dropout", f)
	}
	c.rest(t)
	c.set(at, m)
}

// monaiName is a MONAI layer name (BATCH, ("group", {...})) in im2im's spelling.
func monaiName(v *yaml.Node) string {
	if v.Kind == yaml.SequenceNode && len(v.Content) > 0 {
		v = v.Content[0]
	}
	return strings.ToLower(str(v))
}

// dynUNet maps DynUNet's per-level kernel sizes and strides.
func (c *mmvConv) dynUNet(t *mmvTransform, add func(string, any)) {
	if f, ok := ints(netParam(t, "filters")); ok {
		add("features", f)
	}
	if s := t.param("strides"); s != nil && s.Kind == yaml.SequenceNode && len(s.Content) > 1 {
		var axis [][]int
		for i, e := range s.Content {
			st, ok := ints(e)
			if !ok {
				c.fail(e, fmt.Sprintf("%s.params.strides[%d]", t.path, i), "want a stride or a list of them")
				return
			}
			if i == 0 {
				if slices.Max(st) != 1 {
					c.approx(e, t.path+".params.strides[0]", "", "im2im's first level keeps the input size (stride 1)")
				}
				continue
			}
			axis = append(axis, st)
		}
		add("axis_strides", axis)
	}
	if k := t.param("kernel_size"); k != nil {
		var all []int
		for _, e := range append([]*yaml.Node{k}, k.Content...) {
			if v, ok := ints(e); ok && e.Kind != yaml.SequenceNode || ok && len(e.Content) > 0 && e.Content[0].Kind == yaml.ScalarNode {
				all = append(all, v...)
			}
		}
		if len(all) > 0 {
			add("kernel_size", slices.Max(all))
			if slices.Min(all) != slices.Max(all) {
				c.approx(k, t.path+".params.kernel_size", "", fmt.Sprintf("im2im uses one kernel size: %d", slices.Max(all)))
			}
		}
	}
	t.param("upsample_kernel_size") // im2im up-samples with kernel = stride
	if rb, ok := boolean(t.param("res_block")); ok && !rb {
		c.approx(t.node, t.path+".params.res_block", "", "im2im's dyn_unet stages are residual")
	}
	if ds, _ := boolean(t.param("deep_supervision")); ds {
		n := 1
		if v, ok := integer(t.param("deep_supr_num")); ok {
			n = v
		}
		add("deep_supervision", n)
	}
}

// ganNets maps pix2pix/CycleGAN's generator and discriminator.
func (c *mmvConv) ganNets(n *yaml.Node, p string) {
	for _, e := range entries(n) {
		q := p + "." + e.key
		switch e.key {
		case "generator":
			c.generator(e.v, q)
		case "discriminator":
			c.discriminator(e.v, q)
		default:
			c.fail(e.k, q, "want generator or discriminator")
		}
	}
}

func (c *mmvConv) generator(n *yaml.Node, p string) {
	if iw := child(n, "init_weight"); iw != nil {
		c.set("trainer.init_from", str(iw))
	}
	switch typ := str(child(n, "type")); typ {
	case "predefined_resnet":
		t := &mmvTransform{path: p, node: n, params: child(n, "params"), used: map[string]bool{}}
		m := mapping("kind", "resnet")
		add := func(k string, v any) { m.Content = append(m.Content, mapping(k, v).Content...) }
		for _, kv := range [][2]string{{"spatial_dims", "dims"}, {"in_channels", "in_channels"}, {"out_channels", "out_channels"}, {"nf", "nf"}, {"n_down_blocks", "n_down"}, {"n_res_blocks", "n_res"}} {
			if v, ok := integer(t.param(kv[0])); ok {
				add(kv[1], v)
				if kv[0] == "spatial_dims" && c.dims == 0 {
					c.dims = v
				}
			}
		}
		if v := t.param("norm_layer"); v != nil {
			add("norm", monaiName(v))
		}
		c.rest(t)
		c.set("model.generator", m)
	case "":
		c.net(n, p, "model.generator")
	default:
		c.net(n, p, "model.generator")
	}
}

func (c *mmvConv) discriminator(n *yaml.Node, p string) {
	typ := str(child(n, "type"))
	if typ != "predefined_basic" && typ != "predefined_multiscale" {
		c.fail(n, p+".type", "discriminator %q has no im2im equivalent (predefined_basic, predefined_multiscale)", typ)
		return
	}
	t := &mmvTransform{path: p, node: n, params: child(n, "params"), used: map[string]bool{}}
	m := mapping()
	add := func(k string, v any) { m.Content = append(m.Content, mapping(k, v).Content...) }
	for _, kv := range [][2]string{{"spatial_dims", "dims"}, {"nf", "nf"}, {"n_layers", "n_layers"}, {"num_discriminator", "scales"}} {
		if v, ok := integer(t.param(kv[0])); ok {
			add(kv[1], v)
		}
	}
	t.param("in_channels") // implied by the generator's channels
	if v := t.param("norm_layer"); v != nil {
		add("norm", monaiName(v))
	}
	add("mmv_layout", true)
	c.rest(t)
	c.set("model.discriminator", m)
}

// modelExtra maps sliding-window prediction and fine-tuning settings.
func (c *mmvConv) modelExtra(n *yaml.Node, p string) {
	for _, e := range entries(n) {
		q := p + "." + e.key
		switch e.key {
		case "sliding_window_params":
			at := c.predictKey()
			for _, s := range entries(e.v) {
				r := q + "." + s.key
				switch s.key {
				case "roi_size":
					if w, ok := ints(s.v); ok {
						c.set(at+".window", w)
					}
				case "overlap":
					if f, ok := number(s.v); ok {
						c.set(at+".overlap", f)
					}
				case "sw_batch_size":
					if b, ok := integer(s.v); ok {
						c.set(at+".batch_size", b)
					}
				case "mode":
					if str(s.v) != "constant" {
						c.approx(s.v, r, at+".window", "im2im blends overlapping windows with its own weighting, not MONAI's "+str(s.v))
					}
				default:
					c.drop(s.v, r, "no im2im sliding-window setting")
				}
			}
		case "pre-train":
			c.set("trainer.init_from", str(e.v))
		case "inference_direction":
			if c.framework == "cyclegan" {
				c.set("model.direction", str(e.v))
			} else {
				c.drop(e.v, q, "only CycleGAN has a direction")
			}
		case "center_method":
			if c.framework == "embedseg" {
				c.centerMethod(e.v, q)
			} else {
				c.drop(e.v, q, "only embedseg has centres")
			}
		case "validation_sliding_windows":
			c.drop(e.v, q, "mmv never uses it (frameworks.md §3.7 [QUIRK]); im2im validates embedseg by clustering each validation crop (model.metrics)")
		case "cpu_only":
			c.drop(e.v, q, "harmless: im2im picks its backend (trainer.backend)")
		default:
			c.drop(e.v, q, "no im2im equivalent")
		}
	}
}

func (c *mmvConv) predictKey() string { return "model.predict" }
