package im2im

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// criterion maps an FCN's MONAI or torch loss to model.loss.
func (c *mmvConv) criterion(n *yaml.Node, p string) {
	t := &mmvTransform{path: p, node: n, params: child(n, "params"), used: map[string]bool{}}
	fn := str(child(n, "func_name"))
	m := mapping()
	add := func(k string, v any) { m.Content = append(m.Content, mapping(k, v).Content...) }
	weights := func(names ...string) {
		if w, ok := numbers(netParam(t, names...)); ok {
			add("class_weights", w)
		}
	}
	excl := func() {
		if ib, ok := boolean(t.param("include_background")); ok && !ib {
			add("exclude_background", true)
		}
	}
	lambdas := func(pairs ...string) {
		for i := 0; i+1 < len(pairs); i += 2 {
			if f, ok := number(t.param(pairs[i])); ok {
				add(pairs[i+1], f)
			}
		}
	}
	c.seg = true
	switch fn {
	case "CrossEntropyLoss":
		add("kind", "ce")
		weights("weight")
	case "DiceCELoss":
		add("kind", "dice_ce")
		excl()
		weights("ce_weight", "weight")
		lambdas("lambda_dice", "lambda_dice", "lambda_ce", "lambda_ce")
	case "DiceLoss":
		add("kind", "dice")
		excl()
	case "FocalLoss":
		add("kind", "focal")
		lambdas("gamma", "gamma")
		weights("weight", "alpha")
	case "GeneralizedDiceLoss":
		add("kind", "generalized_dice")
	case "GeneralizedDiceFocalLoss", "RegularizedGeneralizedDiceFocalLoss":
		add("kind", "gdl_focal")
		lambdas("gamma", "gamma", "lambda_gdl", "lambda_gdl", "lambda_focal", "lambda_focal")
		weights("focal_weight", "weight")
		if fn != "GeneralizedDiceFocalLoss" {
			c.approx(n, p+".func_name", "model.loss", "mmv's regularised loss is im2im's gdl_focal without the regularisers (listed below)")
		}
	case "MSELoss":
		add("kind", "mse")
		c.seg = false
	case "L1Loss":
		add("kind", "l1")
		c.seg = false
	case "HuberLoss", "SmoothL1Loss":
		add("kind", "huber")
		c.seg = false
		lambdas("delta", "delta", "beta", "delta")
	default:
		c.seg = false
		c.fail(child(n, "func_name"), p+".func_name", "loss %q has no im2im equivalent yet (CrossEntropyLoss, DiceCELoss, DiceLoss, FocalLoss, GeneralizedDiceLoss, GeneralizedDiceFocalLoss, MSELoss, L1Loss, HuberLoss)", fn)
		return
	}
	for _, k := range []string{"softmax", "sigmoid", "to_onehot_y", "use_softmax"} {
		t.param(k) // im2im picks sigmoid/softmax from the channels and one-hot encodes labels
	}
	if r := t.param("reduction"); r != nil && str(r) != "mean" {
		c.approx(r, p+".params.reduction", "model.loss", "im2im's losses are means")
	}
	c.regularizers(t, p)
	for _, e := range entries(t.params) {
		if !t.used[e.key] {
			c.drop(e.v, p+".params."+e.key, "im2im's loss has no such parameter")
			t.used[e.key] = true
		}
	}
	c.set("model.loss", m)
}

// ganLoss names torch's adversarial criteria in im2im's spelling.
func ganLoss(fn string) string {
	switch fn {
	case "BCEWithLogitsLoss", "BCELoss":
		return "vanilla"
	case "MSELoss":
		return "lsgan"
	}
	return ""
}

func reconLoss(fn string) string {
	switch fn {
	case "L1Loss":
		return "l1"
	case "MSELoss":
		return "mse"
	}
	return ""
}

// ganCriterion maps pix2pix's and CycleGAN's loss blocks.
func (c *mmvConv) ganCriterion(n *yaml.Node, p string) {
	lossType := str(child(n, "loss_type"))
	for _, e := range entries(n) {
		q := p + "." + e.key
		fn := str(child(e.v, "func_name"))
		if r := child(child(e.v, "params"), "reduction"); r != nil && str(r) != "mean" {
			c.approx(r, q+".params.reduction", "model.loss", "im2im's losses are means")
		}
		switch e.key {
		case "loss_type":
			if c.framework != "pix2pix" || !strings.HasPrefix(lossType, "pix2pix_") {
				c.fail(e.v, q, "loss_type %q is not a pix2pix loss (pix2pix_basic, pix2pix_HD, pix2pix_HD_original)", lossType)
			}
		case "gan_loss":
			g := ganLoss(fn)
			if g == "" {
				c.fail(e.v, q+".func_name", "GAN loss %q has no im2im equivalent (BCEWithLogitsLoss, MSELoss)", fn)
				continue
			}
			c.set("model.loss.gan", g)
		case "reconstruction_loss":
			r := reconLoss(fn)
			if r == "" || c.framework != "pix2pix" {
				c.fail(e.v, q+".func_name", "reconstruction loss %q has no im2im equivalent (L1Loss, MSELoss)", fn)
				continue
			}
			c.set("model.loss.reconstruction", r)
		case "fm_loss":
			if fn != "L1Loss" {
				c.approx(e.v, q, "model.loss", "im2im's feature matching is an L1 distance")
			}
		case "cycle_loss", "identity_loss":
			if fn != "L1Loss" || c.framework != "cyclegan" {
				c.approx(e.v, q, "model.loss", "im2im's cycle and identity terms are L1 distances")
			}
		case "weights":
			c.ganWeights(e.v, q, lossType)
		case "fake_pool_size":
			if v, ok := integer(e.v); ok && c.framework == "cyclegan" {
				c.set("model.pool_size", v)
			} else {
				c.drop(e.v, q, "only CycleGAN keeps a pool of fakes")
			}
		default:
			c.fail(e.k, q, "unknown mmv_im2im GAN criterion key")
		}
	}
}

func (c *mmvConv) ganWeights(n *yaml.Node, p, lossType string) {
	for _, e := range entries(n) {
		q := p + "." + e.key
		f, ok := number(e.v)
		if !ok {
			c.fail(e.v, q, "want a number")
			continue
		}
		var key string
		switch {
		case e.key == "gan_loss":
			key = "gan"
		case e.key == "reconstruction_loss" && c.framework == "pix2pix":
			key = "reconstruction"
		case e.key == "fm_loss" && c.framework == "pix2pix":
			if lossType == "pix2pix_basic" {
				c.drop(e.v, q, "pix2pix_basic has no feature matching")
				continue
			}
			key = "feature_matching"
		case e.key == "cycle_loss" && c.framework == "cyclegan":
			key = "cycle"
		case e.key == "identity_loss" && c.framework == "cyclegan":
			key = "identity"
		default:
			c.drop(e.v, q, fmt.Sprintf("%s has no such loss term", c.framework))
			continue
		}
		c.set("model.loss.weights."+key, f)
	}
}

// optimizers maps torch optimizers: one for an FCN, one per net for GANs.
func (c *mmvConv) optimizers(n *yaml.Node, p string) {
	if !c.gan() {
		c.optimizer(n, p, "model.optimizer", "trainer.lr")
		return
	}
	for _, e := range entries(n) {
		if e.key != "generator" && e.key != "discriminator" {
			c.fail(e.k, p+"."+e.key, "want generator or discriminator")
			continue
		}
		at := "model.optimizer." + e.key
		c.optimizer(e.v, p+"."+e.key, at, at+".lr")
	}
}

func (c *mmvConv) optimizer(n *yaml.Node, p, at, lrAt string) {
	t := &mmvTransform{path: p, node: n, params: child(n, "params"), used: map[string]bool{}}
	fn := str(child(n, "func_name"))
	switch fn {
	case "Adam", "AdamW", "SGD":
		c.set(at+".kind", strings.ToLower(fn))
	default:
		c.fail(child(n, "func_name"), p+".func_name", "optimizer %q has no im2im equivalent (Adam, AdamW, SGD)", fn)
		return
	}
	if f, ok := number(t.param("lr")); ok {
		c.set(lrAt, f)
	}
	if f, ok := number(t.param("weight_decay")); ok {
		c.set(at+".weight_decay", f)
	} else if fn == "AdamW" {
		c.set(at+".weight_decay", 0.01) // torch's AdamW default
	}
	if f, ok := number(t.param("momentum")); ok {
		c.set(at+".momentum", f)
	}
	if b, ok := numbers(t.param("betas")); ok && len(b) == 2 {
		c.set(at+".beta1", b[0])
		c.set(at+".beta2", b[1])
	}
	if f, ok := number(t.param("eps")); ok {
		c.set(at+".eps", f)
	}
	c.rest(t)
}

// schedulers maps torch learning-rate schedulers.
func (c *mmvConv) schedulers(n *yaml.Node, p string) {
	if !c.gan() {
		c.scheduler(n, p, "model.schedule")
		return
	}
	for _, e := range entries(n) {
		if e.key != "generator" && e.key != "discriminator" {
			c.fail(e.k, p+"."+e.key, "want generator or discriminator")
			continue
		}
		c.scheduler(e.v, p+"."+e.key, "model.schedule."+e.key)
	}
}

func (c *mmvConv) scheduler(n *yaml.Node, p, at string) {
	t := &mmvTransform{path: p, node: n, params: child(n, "params"), used: map[string]bool{}}
	fn := str(child(n, "func_name"))
	if m := child(n, "monitor"); m != nil {
		c.drop(m, p+".monitor", "harmless: the plateau schedule watches the validation loss, as mmv does")
	}
	switch fn {
	case "ExponentialLR":
		c.set(at+".kind", "exponential")
		if f, ok := number(t.param("gamma")); ok {
			c.set(at+".gamma", f)
		}
	case "ReduceLROnPlateau":
		c.set(at+".kind", "plateau")
		if f, ok := number(t.param("factor")); ok {
			c.set(at+".factor", f)
		}
		if v, ok := integer(t.param("patience")); ok {
			c.set(at+".patience", v)
		}
		if f, ok := number(t.param("min_lr")); ok {
			c.set(at+".min_lr", f)
		}
		if m := t.param("mode"); m != nil && str(m) != "min" {
			c.fail(m, p+".params.mode", "im2im's plateau schedule watches a loss (mode min)")
		}
	case "CosineAnnealingLR":
		c.set(at+".kind", "cosine")
		if f, ok := number(t.param("eta_min")); ok {
			c.set(at+".min_lr", f)
		}
		if v := t.param("T_max"); v != nil {
			c.approx(v, p+".params.T_max", at, "im2im's cosine schedule spans the whole training (trainer.epochs)")
		}
	default:
		c.fail(child(n, "func_name"), p+".func_name", "scheduler %q has no im2im equivalent yet (ExponentialLR, ReduceLROnPlateau, CosineAnnealingLR)", fn)
		return
	}
	c.rest(t)
}
