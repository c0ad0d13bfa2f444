package im2im

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// convert maps a whole mmv_im2im document: the framework first (a framework
// im2im lacks is the one error), then model, data and trainer.
func (c *mmvConv) convert(root *yaml.Node) {
	model := child(root, "model")
	fw := str(child(model, "framework"))
	switch strings.ToLower(fw) {
	case "fcn", "":
		c.framework = "fcn"
	case "pix2pix":
		c.framework = "pix2pix"
	case "cyclegan":
		c.framework = "cyclegan"
	case "embedseg":
		c.framework = "embedseg"
	case "probunet":
		c.framework = "probunet"
	case "nnunet":
		c.fail(child(model, "framework"), "model.framework", "framework %q is not in im2im: its self-configuration (planning the net from the data) is not converted; use framework FCN with a MONAI DynUNet net (im2im's dyn_unet), the same loss and data.patch_size", fw)
		return
	default:
		c.fail(child(model, "framework"), "model.framework", "framework %q is not in im2im yet (im2im has FCN, pix2pix, cyclegan, embedseg and ProbUnet)", fw)
		return
	}
	c.set("model.framework", c.framework)
	for _, e := range entries(root) {
		switch e.key {
		case "mode":
			switch str(e.v) {
			case "train":
			case "inference":
				c.drop(e.v, "mode", "an inference config: `im2im predict -c THIS.yaml --checkpoint FILE` predicts data.inference_input.dir into data.inference_output.path (--input, --output win)")
			default:
				c.fail(e.v, "mode", "mode %q is not converted (train or inference)", str(e.v))
			}
		case "data", "model", "trainer":
		default:
			c.fail(e.k, e.key, "unknown mmv_im2im key (data, model, trainer, mode)")
		}
	}
	c.model(model)
	c.data(child(root, "data"))
	c.trainer(child(root, "trainer"))
	if c.dims != 0 {
		c.set("data.dims", c.dims)
	}
}

// data maps mmv's data section.
func (c *mmvConv) data(n *yaml.Node) {
	for _, e := range entries(n) {
		p := "data." + e.key
		switch e.key {
		case "category":
			switch v := str(e.v); v {
			case "pair", "unpair":
				c.set("data.category", v)
			case "embedseg":
				if c.framework != "embedseg" {
					c.fail(e.v, p, "category embedseg needs model.framework embedseg, got %s", c.framework)
				}
				c.set("data.category", v)
			default:
				c.fail(e.v, p, "category %q is not in im2im (pair, unpair, embedseg)", v)
			}
		case "data_path":
			c.dataPath(e.v, p)
		case "dataloader":
			c.dataloader(e.v, p)
		case "preprocess", "augmentation":
			c.transforms(e.v, p)
		case "patch_size":
			if s, ok := ints(e.v); ok {
				c.set("data.patch.size", s)
			} else {
				c.fail(e.v, p, "want a list of whole numbers")
			}
		case "postprocess":
			c.postprocess(e.v, p)
		case "inference_input":
			c.inferenceInput(e.v, p)
		case "inference_output":
			c.inferenceOutput(e.v, p)
		case "extra":
			c.dataExtra(e.v, p)
		case "cache_path":
			if c.framework == "embedseg" {
				c.drop(e.v, p, "im2im computes every object's centre once and caches it in its patch store (data.store); it cuts data.patch.size crops, not one crop per object")
			} else {
				c.drop(e.v, p, "harmless: im2im caches preprocessed images in data.store")
			}
		default:
			c.fail(e.k, p, "unknown mmv_im2im data key")
		}
	}
	if c.framework == "embedseg" && lookup(c.out, "data.patch.size") == nil {
		c.approx(n, "data", "", "no crop in mmv (it trains on whole images, or on data.cache_path's crops around each object): im2im cuts data.patch.size patches [64 per axis], centred on objects for data.patch.pos_fraction of them; set the size")
	}
	if !c.inputNormalized {
		c.set("data.normalize", mapping("name", "none"))
		c.approx(n, "data.preprocess", "data.normalize", "no normalisation of IM in mmv: im2im keeps raw intensities (its default would be normalize_percentile 1..99.8)")
	}
}

// dataPath maps data_path: a folder or CSV, or {train: DIR, val: DIR}.
func (c *mmvConv) dataPath(v *yaml.Node, p string) {
	if s := strings.TrimSpace(str(v)); strings.HasPrefix(s, "{") {
		var m yaml.Node
		if yaml.Unmarshal([]byte(s), &m) == nil && len(m.Content) > 0 {
			v = m.Content[0]
		}
	}
	if v.Kind == yaml.MappingNode {
		for _, e := range entries(v) {
			switch e.key {
			case "train", "val":
				c.set("data."+e.key, str(e.v))
			default:
				c.fail(e.k, p+"."+e.key, "want train or val")
			}
		}
		return
	}
	c.set("data.path", str(v))
}

// dataloader maps data.dataloader: the split, batch size and partial loading.
func (c *mmvConv) dataloader(n *yaml.Node, p string) {
	for _, e := range entries(n) {
		q := p + "." + e.key
		switch e.key {
		case "train_val_ratio":
			if f, ok := number(e.v); ok {
				c.set("data.val_ratio", f)
			} else {
				c.fail(e.v, q, "want a number")
			}
		case "train", "val":
			c.loader(e.v, q, e.key == "train")
		default:
			c.fail(e.k, q, "unknown mmv_im2im dataloader key (train_val_ratio, train, val)")
		}
	}
}

func (c *mmvConv) loader(n *yaml.Node, p string, train bool) {
	for _, e := range entries(n) {
		q := p + "." + e.key
		switch e.key {
		case "dataloader_params":
			for _, d := range entries(e.v) {
				r := q + "." + d.key
				switch {
				case d.key == "batch_size" && train:
					if b, ok := integer(d.v); ok {
						c.set("trainer.batch_size", b)
					} else {
						c.fail(d.v, r, "want a whole number")
					}
				case d.key == "batch_size":
					c.drop(d.v, r, "im2im validates on whole validation images")
				case d.key == "num_workers":
					c.drop(d.v, r, "harmless: im2im loads with data.workers goroutines [2]")
				case d.key == "pin_memory" || d.key == "persistent_workers":
					c.drop(d.v, r, "harmless: a PyTorch DataLoader option")
				default:
					c.drop(d.v, r, "a PyTorch DataLoader option im2im does not have")
				}
			}
		case "dataloader_type":
			c.drop(e.v, q, "harmless: im2im caches preprocessed images in data.store")
		case "partial_loader":
			f, ok := number(e.v)
			switch {
			case !ok:
				c.fail(e.v, q, "want a number")
			case train:
				c.set("data.partial.fraction", f)
				c.partial = true
			default:
				c.drop(e.v, q, "im2im validates on every validation image")
			}
		default:
			c.fail(e.k, q, "unknown mmv_im2im dataloader key (dataloader_params, dataloader_type, partial_loader)")
		}
	}
}
