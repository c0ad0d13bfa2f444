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
	inf := f.Inference()
	for _, img := range [][]int{{500, 700}, {3000, 3000}} {
		fmt.Println(img, framework.ChooseWindow(img, inf.Window, inf.Divisors, inf.MaxVoxels, 4, 0.25))
	}

	bad := framework.FCN{Net: nets.UNet{Dims: 4, OutChannels: 1, Features: []int{8}}}
	for _, p := range bad.Validate() {
		fmt.Println(p.Path)
	}
	// Output:
	// framework: fcn
	// problems: 0
	// optimizers per step: 1
	// [500 700] window 500×700 (whole image, 1 window, budget 1048576 voxels)
	// [3000 3000] window 1024×1024 (largest under the budget, 16 windows, budget 1048576 voxels)
	// model.net.dims
	// model.net.features
	// model.loss
}
