package im2im

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// embedDims is the rank an EmbedSeg class name ends in (BranchedERFNet_3d,
// SpatialEmbLoss_2d; 0: neither).
func embedDims(fn string) int {
	switch {
	case strings.HasSuffix(strings.ToLower(fn), "_3d"):
		return 3
	case strings.HasSuffix(strings.ToLower(fn), "_2d"):
		return 2
	}
	return 0
}

// erfNet maps mmv's BranchedERFNet_2d/3d to im2im's branched_erfnet: the
// input channels, and num_classes checked against the layout im2im builds
// (one offset and one sigma per axis, then the seed: [2·dims, 1]).
func (c *mmvConv) erfNet(t *mmvTransform, fn, at string) {
	dims := embedDims(fn)
	if dims == 0 {
		c.fail(child(t.node, "func_name"), t.path+".func_name", "want BranchedERFNet_2d or BranchedERFNet_3d, got %s", fn)
		return
	}
	if c.dims == 0 {
		c.dims = dims
	}
	m := mapping("kind", "branched_erfnet", "dims", dims)
	if v := t.param("input_channels"); v != nil {
		in, ok := integer(v)
		if !ok || in < 1 || in > 15 {
			c.fail(v, t.path+".params.input_channels", "want 1..15 input channels (the first down-sampler makes 16 channels), got %s", str(v))
		} else {
			m.Content = append(m.Content, mapping("in_channels", in).Content...)
		}
	}
	if v := t.param("num_classes"); v != nil {
		if n, ok := ints(v); !ok || !slices.Equal(n, []int{2 * dims, 1}) {
			c.fail(v, t.path+".params.num_classes", "im2im's %dD BranchedERFNet predicts %d offsets, %d sigmas and a seed: want [%d, 1]", dims, dims, dims, 2*dims)
		}
	}
	c.rest(t)
	c.set(at, m)
}

// embedCriterion maps SpatialEmbLoss_2d/3d: foreground_weight, the grid's
// step (pixel/(grid−1)) as model.grid_step and, in 3D, the z step over the xy
// step as model.anisotropy; clustering settings go to model.cluster.
func (c *mmvConv) embedCriterion(n *yaml.Node, p string) {
	t := &mmvTransform{path: p, node: n, params: child(n, "params"), used: map[string]bool{}}
	fn := str(child(n, "func_name"))
	dims := embedDims(fn)
	if !strings.HasPrefix(fn, "SpatialEmbLoss") || dims == 0 {
		c.fail(child(n, "func_name"), p+".func_name", "embedseg's loss is SpatialEmbLoss_2d or SpatialEmbLoss_3d, got %q", fn)
		return
	}
	if c.dims != 0 && c.dims != dims {
		c.fail(child(n, "func_name"), p+".func_name", "%s is %dD but the net is %dD", fn, dims, c.dims)
	}
	if v := t.param("n_sigma"); v != nil {
		if s, ok := integer(v); !ok || s != dims {
			c.fail(v, p+".params.n_sigma", "im2im predicts one sigma per axis: n_sigma must be %d in %dD", dims, dims)
		}
	}
	if f, ok := number(t.param("foreground_weight")); ok {
		c.set("model.foreground_weight", f)
	}
	if b, _ := boolean(t.param("use_costmap")); b {
		c.drop(child(t.params, "use_costmap"), p+".params.use_costmap", "mmv ignores the cost map too (frameworks.md §3.3 [QUIRK]): im2im's embedseg trains without one")
	}
	c.embedGrid(t, p, dims)
	c.clusterParams(t, p)
	c.rest(t)
}

// embedGrid maps grid_*/pixel_* (mmv's coordinate grid: pixel/(grid−1) per
// voxel) to grid_step and anisotropy.
func (c *mmvConv) embedGrid(t *mmvTransform, p string, dims int) {
	step := func(axis string, grid float64) (float64, *yaml.Node) {
		g, pix := t.param("grid_"+axis), t.param("pixel_"+axis)
		px := 1.0
		if f, ok := number(g); ok {
			grid = f
		}
		if f, ok := number(pix); ok {
			px = f
		}
		if grid < 2 || px <= 0 {
			c.fail(t.node, p+".params.grid_"+axis, "want grid_%s ≥ 2 and pixel_%s > 0", axis, axis)
			return 1, g
		}
		if g == nil {
			g = pix
		}
		return px / (grid - 1), g
	}
	sx, gx := step("x", 1024)
	sy, gy := step("y", 1024)
	if gx == nil && gy == nil && dims == 2 {
		return // mmv's default grid is im2im's default step
	}
	c.set("model.grid_step", sx)
	if sy != sx {
		c.approx(gy, p+".params.grid_y", "model.grid_step", fmt.Sprintf("im2im has one step for Y and X: X's %.6g (Y's would be %.6g)", sx, sy))
	}
	if dims == 3 {
		sz, gz := step("z", 32)
		if gz == nil {
			gz = t.node
		}
		if a := sz / sx; a != 1 {
			c.set("model.anisotropy", a)
			c.approx(gz, p+".params.grid_z", "model.anisotropy", fmt.Sprintf("mmv's grids make one z voxel count as %.4g xy voxels (z step %.6g, xy step %.6g): mmv's implicit anisotropy (frameworks.md §3.2 [QUIRK]), kept as model.anisotropy; set it to your data's z/xy spacing ratio", a, sz, sx))
		}
	}
}

// clusterParams maps the clustering settings mmv's criterion or
// generate_instance_clusters takes to model.cluster.
func (c *mmvConv) clusterParams(t *mmvTransform, p string) {
	for _, kv := range [][2]string{{"seed_thresh", "seed_thresh"}, {"fg_thresh", "fg_thresh"}} {
		if v := t.param(kv[0]); v != nil {
			if f, ok := number(v); ok {
				c.set("model.cluster."+kv[1], f)
			} else {
				c.fail(v, p+".params."+kv[0], "want a number")
			}
		}
	}
	for _, k := range []string{"min_mask_sum", "min_unclustered_sum", "min_object_size"} {
		if v := t.param(k); v != nil {
			if n, ok := integer(v); ok {
				c.set("model.cluster."+k, n)
			} else {
				c.fail(v, p+".params."+k, "want a whole number")
			}
		}
	}
}

// dataExtra maps data.extra: embedseg's center_method and cache crop size.
func (c *mmvConv) dataExtra(n *yaml.Node, p string) {
	for _, e := range entries(n) {
		q := p + "." + e.key
		switch {
		case e.key == "center_method" && c.framework == "embedseg":
			c.centerMethod(e.v, q)
		case e.key == "patch_size" && c.framework == "embedseg":
			if s, ok := ints(e.v); ok {
				c.set("data.patch.size", s)
				c.approx(e.v, q, "data.patch", "mmv's cache crops one patch around each object; im2im cuts data.patch.per_image patches of this size, centred on objects for a data.patch.pos_fraction of them")
			} else {
				c.fail(e.v, q, "want a list of whole numbers")
			}
		default:
			c.drop(e.v, q, "no im2im equivalent")
		}
	}
}

// centerMethod maps mmv's centre choice (centroid, approximate-medoid, medoid).
func (c *mmvConv) centerMethod(v *yaml.Node, p string) {
	switch s := strings.ToLower(str(v)); s {
	case "centroid", "approximate-medoid", "medoid":
		c.set("model.center_method", s)
	default:
		c.fail(v, p, "want centroid, approximate-medoid or medoid, got %q", str(v))
	}
}

// postprocess maps mmv's post-processing: embedseg's clustering to
// model.cluster; the rest is model.predict's.
func (c *mmvConv) postprocess(list *yaml.Node, p string) {
	if list.Kind != yaml.SequenceNode {
		c.fail(list, p, "want a list of {module_name, func_name, params}")
		return
	}
	for i, item := range list.Content {
		q := fmt.Sprintf("%s[%d]", p, i)
		fn := str(child(item, "func_name"))
		if fn != "generate_instance_clusters" || c.framework != "embedseg" {
			c.drop(item, q, fmt.Sprintf("%s: post-processing is model.predict's (output, threshold, threshold_method, min_size)", fn))
			continue
		}
		t := &mmvTransform{path: q, node: item, params: child(item, "params"), used: map[string]bool{}}
		dims := c.dims
		if dims == 0 {
			dims = 2
		}
		if v := t.param("n_sigma"); v != nil {
			if s, ok := integer(v); !ok || s != dims {
				c.fail(v, q+".params.n_sigma", "im2im predicts one sigma per axis: n_sigma must be %d in %dD", dims, dims)
			}
		}
		if lookup(c.out, "model.grid_step") == nil {
			c.embedGrid(t, q, dims)
		} else {
			for _, a := range []string{"x", "y", "z"} {
				t.param("grid_" + a)
				t.param("pixel_" + a)
			}
		}
		c.clusterParams(t, q)
		c.rest(t)
	}
}

// embedKeys drops embedseg's CE (centre) and CL (foreground) images from the
// keys LoadImaged reads, with a note: im2im computes both from GT.
func (c *mmvConv) embedKeys(t *mmvTransform, keys []string) []string {
	var out, gone []string
	for _, k := range keys {
		if k == "CE" || k == "CL" {
			gone = append(gone, k)
		} else {
			out = append(out, k)
		}
	}
	if len(gone) > 0 {
		c.drop(child(t.params, "keys"), t.path+".params.keys", fmt.Sprintf("%s: im2im computes each object's centre (model.center_method) and the foreground from GT itself and caches them in its patch store", strings.Join(gone, ", ")))
	}
	return out
}
