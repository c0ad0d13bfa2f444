package im2im

// FCN declares a fully-convolutional model (mmv_im2im's FCN framework): network,
// loss, validation metrics, optimizer, learning-rate schedule and how it predicts
// whole images. Zero values mean the defaults in brackets.
type FCN struct {
	// Net is the network. [UNet{}]
	Net Net `yaml:"net"`
	// Loss is the training loss. [DiceCE{} when Net has ≥ 2 output channels, else MSE{}]
	Loss Loss `yaml:"loss"`
	// Metrics are computed on the validation data: dice, iou, psnr, ssim, pearson.
	// [dice for segmentation losses, psnr for regression]
	Metrics []string `yaml:"metrics"`
	// Optimizer updates the weights (the learning rate is Trainer.LR).
	Optimizer Optimizer `yaml:"optimizer"`
	// Schedule changes the learning rate over training.
	Schedule Schedule `yaml:"schedule"`
	// Predict configures sliding-window prediction of whole images.
	Predict Prediction `yaml:"predict"`
}

// Model is the same declaration as FCN (the only framework so far).
type Model = FCN

// Optimizer configures the weight update.
type Optimizer struct {
	// Kind is adamw, adam or sgd. [adamw]
	Kind string `yaml:"kind"`
	// WeightDecay is decoupled for AdamW, L2 otherwise. [1e-2 for adamw, 0 otherwise]
	WeightDecay float64 `yaml:"weight_decay"`
	// Momentum for SGD. [0]
	Momentum float64 `yaml:"momentum"`
	// Beta1 and Beta2 are Adam's moment decay rates, in [0, 1) (adam and adamw
	// only; sgd ignores them). [0.9, 0.999]
	Beta1 float64 `yaml:"beta1"`
	Beta2 float64 `yaml:"beta2"`
	// Eps is Adam's denominator term (adam and adamw only). [1e-8]
	Eps float64 `yaml:"eps"`
}

// Schedule configures the learning rate over training.
type Schedule struct {
	// Kind is constant, cosine, exponential or plateau. [constant]
	Kind string `yaml:"kind"`
	// WarmupSteps ramps the rate up linearly (cosine only; refused otherwise).
	WarmupSteps int `yaml:"warmup_steps"`
	// MinLR is the floor of cosine and plateau.
	MinLR float64 `yaml:"min_lr"`
	// Gamma multiplies the rate every epoch (exponential). [0.95]
	Gamma float64 `yaml:"gamma"`
	// Factor and Patience drive plateau: multiply by Factor after Patience
	// validations without improvement. [0.1, 2]
	Factor   float64 `yaml:"factor"`
	Patience int     `yaml:"patience"`
}

// Prediction configures prediction of whole images in sliding windows.
type Prediction struct {
	// Window per spatial axis. [the training patch size]
	Window []int `yaml:"window"`
	// Overlap of neighbouring windows, in [0, 1). [0.25]
	Overlap float64 `yaml:"overlap"`
	// BatchSize windows per network run. [4]
	BatchSize int `yaml:"batch_size"`
	// Output is raw, prob or labels. [labels for segmentation, raw otherwise]
	Output string `yaml:"output"`
	// Threshold for one-channel labels when ThresholdMethod is fixed. [0.5]
	Threshold float64 `yaml:"threshold"`
	// ThresholdMethod for one-channel labels: fixed (probability > Threshold) or
	// otsu (Otsu's level of each predicted image's probabilities). [fixed]
	ThresholdMethod string `yaml:"threshold_method"`
	// MinSize removes smaller foreground components from labels (voxels). [0]
	MinSize int `yaml:"min_size"`
	// Channels lists the image channels fed to the net, in order, e.g. [0, 2].
	// [all channels of the image; their number must be the net's input channels]
	Channels []int `yaml:"channels"`
	// DType of the written prediction: float32, uint8 or uint16 (integer types
	// round to nearest and clamp; refused for prob, whose values lie in [0, 1]).
	// [uint8 for labels of up to 256 classes, uint16 beyond; float32 for prob and raw]
	DType string `yaml:"dtype"`
}
