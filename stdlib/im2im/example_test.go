package im2im_test

import (
	"errors"
	"fmt"

	"github.com/im2im/im2im/stdlib/im2im"
)

// A YAML config with dotted overrides; every problem comes back at once, each
// with its config path.
func ExampleParseConfig() {
	c, err := im2im.ParseConfig("train.yaml", `
data: {path: /tmp, patch: {size: [64, 64]}}
model:
  framework: fcn
  net: {kind: unet, features: [16, 32, 64], out_channels: 2}
trainer: {epochs: 30}
`, "trainer.epochs=5", "model.net.kind=attention_unet")
	if err != nil {
		fmt.Println(err)
		return
	}
	m := c.Model.(im2im.FCN)
	fmt.Println(c.Model.Framework(), m.Net.Kind(), c.Trainer.Epochs)

	_, err = im2im.ParseConfig("bad.yaml", `
data: {path: /tmp}
model: {net: {kind: unet, features: [16]}}
trainer: {epoch: 3, lr: -1}
`)
	var ve *im2im.ValidationError
	if errors.As(err, &ve) {
		for _, p := range ve.Problems {
			fmt.Println(p.Path)
		}
	}
	// Output:
	// fcn attention_unet 5
	// trainer.epoch
	// model.net.features
	// trainer.lr
}
