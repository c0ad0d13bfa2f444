package im2im

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// MMVInference is where an mmv_im2im inference config (mode: inference) reads
// and writes images and which checkpoint it loads; empty fields were not
// given. `im2im predict -c` uses them where its flags are absent.
type MMVInference struct {
	// Input is data.inference_input.dir: the folder (or file) to predict.
	Input string
	// Output is data.inference_output.path: the folder predictions go to.
	Output string
	// Checkpoint is model.checkpoint (an im2im checkpoint is needed: mmv's
	// Lightning files cannot be read).
	Checkpoint string
}

// inferenceInput maps data.inference_input: the folder, the file pattern and
// the reader's axis order and C/T/Z selection.
func (c *mmvConv) inferenceInput(n *yaml.Node, p string) {
	for _, e := range entries(n) {
		q := p + "." + e.key
		switch e.key {
		case "dir":
			c.inference.Input = str(e.v)
		case "data_type":
			if s := str(e.v); !strings.HasPrefix(s, "_IM") && !strings.HasPrefix(s, "IM") {
				c.approx(e.v, q, "", fmt.Sprintf("im2im predicts a folder's X_IM files if it has any, else every image in it (not the files ending in %q)", s))
			}
		case "reader_params":
			c.readerParams(e.v, q)
		default:
			c.drop(e.v, q, "no im2im equivalent")
		}
	}
}

// readerParams maps bioio's reader params: dimension_order_out gives the
// rank, C (not in the order) selects the input channel; T and Z selections
// are noted, as im2im predicts every time point (and every z plane with a 2D
// net).
func (c *mmvConv) readerParams(n *yaml.Node, p string) {
	order := strings.ToUpper(str(child(n, "dimension_order_out")))
	if order != "" && c.dims == 0 {
		c.dims = 2
		if strings.Contains(order, "Z") {
			c.dims = 3
		}
	}
	for _, e := range entries(n) {
		q := p + "." + e.key
		switch e.key {
		case "dimension_order_out":
		case "C":
			if ch, ok := integer(e.v); ok && !strings.ContainsAny(order, "CS") {
				c.set(c.predictKey()+".channels", []int{ch})
			} else if !ok {
				c.fail(e.v, q, "want a channel index")
			}
		case "T", "Z":
			if !strings.Contains(order, e.key) {
				what := "every time point (the output keeps T)"
				if e.key == "Z" {
					what = "every z plane with a 2D net"
				}
				c.approx(e.v, q, "", fmt.Sprintf("mmv reads %s=%s only; im2im predicts %s", e.key, str(e.v), what))
			}
		default:
			c.drop(e.v, q, "a bioio reader option im2im does not have")
		}
	}
}

// inferenceOutput maps data.inference_output: the folder and the suffix.
func (c *mmvConv) inferenceOutput(n *yaml.Node, p string) {
	for _, e := range entries(n) {
		q := p + "." + e.key
		switch e.key {
		case "path":
			c.inference.Output = str(e.v)
		case "suffix":
			if s := str(e.v); s != "_pred" {
				c.approx(e.v, q, "", fmt.Sprintf("im2im writes <stem>_pred.ome.tiff (and <stem>_pred.json), not the suffix %q", s))
			}
		default:
			c.drop(e.v, q, "no im2im equivalent")
		}
	}
}
