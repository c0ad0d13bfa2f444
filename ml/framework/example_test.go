package framework_test

import (
	"fmt"

	"github.com/im2im/im2im/ml/framework"
	"github.com/im2im/im2im/ml/loss"
	"github.com/im2im/im2im/ml/nets"
	"github.com/im2im/im2im/ml/train"
)

// Every model category implements framework.Framework: FCN is the first. The
// trainer gets the framework's Task (one objective per optimizer) and its loop
// configuration; prediction uses its Inference.
func ExampleFramework() {
	var f framework.Framework = framework.FCN{
		Net:     nets.UNet{Dims: 2, OutChannels: 2, Features: []int{8, 16}},
		Loss:    loss.DiceCE{},
		Trainer: train.Config{Epochs: 5},
		Predict: framework.Predict{Output: framework.OutputLabels},
	}
	fmt.Println("framework:", f.Name())
	fmt.Println("problems:", len(f.Validate()))
	fmt.Println("optimizers per step:", len(f.Task().Objectives))
	fmt.Println("window for 64×64 patches:", framework.Window(f.Inference().Window, []int{64, 64}))

	bad := framework.FCN{Net: nets.UNet{Dims: 4, OutChannels: 1, Features: []int{8}}}
	for _, p := range bad.Validate() {
		fmt.Println(p.Path)
	}
	// Output:
	// framework: fcn
	// problems: 0
	// optimizers per step: 1
	// window for 64×64 patches: [64 64]
	// model.net.dims
	// model.net.features
	// model.loss
}
