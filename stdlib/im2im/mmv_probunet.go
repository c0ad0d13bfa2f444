package im2im

import (
	"fmt"
	"slices"

	"gopkg.in/yaml.v3"
)

// probNet maps ProbabilisticUNet's own params: latent_dim and task (mmv's
// regression predicts one vector per image, which im2im does not).
func (c *mmvConv) probNet(t *mmvTransform) {
	if v := t.param("latent_dim"); v != nil {
		if n, ok := integer(v); ok {
			c.set("model.latent_dim", n)
		} else {
			c.fail(v, t.path+".params.latent_dim", "want a whole number")
		}
	}
	if v := t.param("task"); v != nil {
		switch str(v) {
		case "segmentation":
		case "regression":
			c.regression = true
			c.fail(v, t.path+".params.task", "mmv's ProbUnet regression predicts one vector per image (the output averaged over space, GT vectors in .npy files); im2im's probunet regresses images voxel by voxel, so it has no equivalent")
		default:
			c.fail(v, t.path+".params.task", "want segmentation or regression, got %q", str(v))
		}
	}
	c.approx(t.node, t.path, "model.net", "im2im's combiner puts ReLUs between its 1×1 convolutions as Kohl et al. do (mmv's are purely affine, frameworks.md §4.1 [QUIRK])")
}

// probStrides maps ProbabilisticUNet's strides (one per level, the first
// usually 1) to im2im's UNet's (one per down-sampling).
func (c *mmvConv) probStrides(t *mmvTransform, s []int) []int {
	ch, _ := ints(child(t.params, "channels"))
	if len(s) == 0 || len(s) != len(ch) {
		return s
	}
	if s[0] != 1 {
		c.approx(child(t.params, "strides"), t.path+".params.strides", "model.net", fmt.Sprintf("im2im's first level keeps the input size (stride 1, not %d)", s[0]))
	}
	return s[1:]
}

// elboCriterion maps mmv's ELBOLoss: beta, kl_clamp, the cross-entropy
// reconstruction with its class weights, n_classes and spatial_dims checked.
func (c *mmvConv) elboCriterion(n *yaml.Node, p string) {
	t := &mmvTransform{path: p, node: n, params: child(n, "params"), used: map[string]bool{}}
	if fn := str(child(n, "func_name")); fn != "ELBOLoss" {
		c.fail(child(n, "func_name"), p+".func_name", "ProbUnet's loss is mmv's ELBOLoss, got %q", fn)
		return
	}
	for _, kv := range [][2]string{{"beta", "model.beta"}, {"kl_clamp", "model.kl_clamp"}} {
		if v := t.param(kv[0]); v != nil {
			if f, ok := number(v); ok {
				c.set(kv[1], f)
			} else {
				c.fail(v, p+".params."+kv[0], "want a number")
			}
		}
	}
	if v := t.param("n_classes"); v != nil && !c.regression {
		out, _ := integer(lookup(c.out, "model.net.out_channels"))
		if k, ok := integer(v); !ok || out != 0 && k != out {
			c.fail(v, p+".params.n_classes", "want the net's out_channels (%d), got %s", out, str(v))
		}
	}
	if v := t.param("spatial_dims"); v != nil {
		if d, ok := integer(v); !ok || c.dims != 0 && d != c.dims {
			c.fail(v, p+".params.spatial_dims", "want the net's spatial_dims (%d), got %s", c.dims, str(v))
		}
	}
	loss := mapping("kind", "ce")
	if w := t.param("elbo_class_weights"); w != nil && str(w) != "None" {
		if ws, ok := numbers(w); ok {
			loss.Content = append(loss.Content, mapping("class_weights", ws).Content...)
		} else {
			c.fail(w, p+".params.elbo_class_weights", "want a list of numbers")
		}
	}
	t.param("regression_loss_type") // only read for task: regression, refused at the net
	c.set("model.loss", loss)
	c.regularizers(t, p)
	c.rest(t)
}

// mmvRegularizers are mmv's optional segmentation regularisers: the use_ key
// and the prefixes (or names) of their settings.
var mmvRegularizers = []struct {
	use  string
	keys []string
}{
	{"use_fractal_regularization", []string{"fractal_"}},
	{"use_topological_regularization", []string{"topological_inclusion", "topological_exclusion", "topological_min_thick", "topological_connectivity", "topological_weight", "topological_warmup_epochs"}},
	{"use_connectivity_regularization", []string{"connectivity_", "kernel_shape", "lambda_density", "lambda_gradient"}},
	{"use_homology_regularization", []string{"homology_", "chunks", "weighting_power", "composite_flag"}},
	{"use_topological_complexity", []string{"complexity_", "topological_complexity_weight"}},
	{"use_gdl_focal_regularization", []string{"gdl_focal_weight", "gdl_warmup_epochs", "gdl_class_weights"}},
	{"use_hausdorff_regularization", []string{"hausdorff_"}},
}

// regularizers refuses a regulariser that is on (im2im has none) and notes
// the settings of those that are off once.
func (c *mmvConv) regularizers(t *mmvTransform, p string) {
	off := 0
	for _, r := range mmvRegularizers {
		v := t.param(r.use)
		if v == nil {
			continue
		}
		if on, ok := boolean(v); !ok || on {
			c.fail(v, p+".params."+r.use, "im2im has no such regulariser (set it to False to convert)")
			continue
		}
		for _, e := range entries(t.params) {
			if !t.used[e.key] && slices.ContainsFunc(r.keys, func(k string) bool {
				return e.key == k || k[len(k)-1] == '_' && len(e.key) > len(k) && e.key[:len(k)] == k
			}) {
				t.used[e.key] = true
				off++
			}
		}
	}
	if off > 0 {
		c.drop(t.params, p+".params", fmt.Sprintf("harmless: %d settings of regularisers that are off (use_*: False)", off))
	}
}
