package im2im

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// trainer maps Lightning's trainer params and callbacks.
func (c *mmvConv) trainer(n *yaml.Node) {
	for _, e := range entries(n) {
		p := "trainer." + e.key
		switch e.key {
		case "verbose":
			if b, ok := boolean(e.v); ok && !b {
				c.set("trainer.quiet", true)
			}
		case "params":
			c.trainerParams(e.v, p)
		case "callbacks":
			c.callbacks(e.v, p)
		case "gpus", "strategy":
			c.drop(e.v, p, "harmless: im2im picks its devices (trainer.backend, trainer.devices)")
		default:
			c.fail(e.k, p, "unknown mmv_im2im trainer key (verbose, params, callbacks)")
		}
	}
}

func (c *mmvConv) trainerParams(n *yaml.Node, p string) {
	for _, e := range entries(n) {
		q := p + "." + e.key
		switch e.key {
		case "max_epochs":
			if v, ok := integer(e.v); ok {
				c.set("trainer.epochs", v)
			} else {
				c.fail(e.v, q, "want a whole number")
			}
		case "gradient_clip_val":
			if f, ok := number(e.v); ok {
				c.set("trainer.clip_norm", f)
			}
		case "gradient_clip_algorithm":
			if str(e.v) != "norm" {
				c.approx(e.v, q, "trainer.clip_norm", "im2im clips the gradients' global norm")
			}
		case "check_val_every_n_epoch":
			if v, ok := integer(e.v); ok {
				c.set("trainer.val_every", v)
			}
		case "devices":
			if v, ok := integer(e.v); ok && v > 1 {
				c.set("trainer.devices", v)
				c.approx(e.v, q, "trainer.devices", "im2im's data-parallel training needs an XLA backend with that many devices")
			}
		case "accelerator", "gpus", "strategy":
			c.drop(e.v, q, "harmless: im2im picks its backend (trainer.backend: XLA where a PJRT plugin exists)")
		case "precision":
			if s := str(e.v); s != "32" && s != "32-true" {
				c.drop(e.v, q, "im2im trains in float32")
			}
		case "reload_dataloaders_every_n_epochs":
			if v, ok := integer(e.v); ok && c.partial {
				c.set("data.partial.every", v)
			} else {
				c.drop(e.v, q, "harmless: im2im reads the same patch store every epoch")
			}
		case "detect_anomaly", "log_every_n_steps", "num_sanity_val_steps", "enable_progress_bar", "benchmark", "deterministic":
			c.drop(e.v, q, "harmless: a Lightning debugging or logging option")
		default:
			c.drop(e.v, q, "a Lightning option im2im does not have")
		}
	}
}

// monitorName maps Lightning's monitored value to trainer.monitor.
func monitorName(s string) string {
	if strings.Contains(s, "loss") {
		return "loss"
	}
	return strings.TrimPrefix(s, "val_")
}

func (c *mmvConv) callbacks(n *yaml.Node, p string) {
	if n.Kind != yaml.SequenceNode {
		c.fail(n, p, "want a list of {module_name, func_name, params}")
		return
	}
	for i, cb := range n.Content {
		q := fmt.Sprintf("%s[%d]", p, i)
		t := &mmvTransform{path: q, node: cb, params: child(cb, "params"), used: map[string]bool{}}
		fn := str(child(cb, "func_name"))
		switch fn {
		case "EarlyStopping":
			if v, ok := integer(t.param("patience")); ok {
				c.set("trainer.patience", v)
			}
			if m := t.param("monitor"); m != nil {
				c.set("trainer.monitor", monitorName(str(m)))
			}
			t.param("mode")
			t.param("verbose")
		case "ModelCheckpoint":
			if m := t.param("monitor"); m != nil {
				c.set("trainer.monitor", monitorName(str(m)))
			}
			for _, k := range []string{"save_top_k", "every_n_epochs", "filename", "save_last", "save_weights_only", "dirpath"} {
				if v := t.param(k); v != nil {
					c.drop(v, q+".params."+k, "im2im keeps checkpoints/best.ckpt (by trainer.monitor) and last.ckpt")
				}
			}
			t.param("mode")
			t.param("verbose")
		default:
			c.drop(cb, q, fmt.Sprintf("callback %q has no im2im equivalent", fn))
			continue
		}
		c.rest(t)
	}
}
