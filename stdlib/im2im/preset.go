package im2im

import (
	"fmt"
	"sort"
	"strings"
)

// presets mirror mmv_im2im's example configurations: the data path is left
// empty for the user to set.
var presets = map[string]func() Config{
	"semanticseg_2d": func() Config {
		return Config{
			Data: Data{Patch: Patch{Size: []int{128, 128}, PerImage: 4}, Normalize: Percentile(1, 99.8),
				Augment: []Transform{RandFlip(0.5), RandRotate90(0.5)}},
			Model: FCN{Net: UNet{Dims: 2, OutChannels: 2, Features: []int{32, 64, 128, 256}, NumResUnits: 1},
				Loss: DiceCE{}, Schedule: Schedule{Kind: "cosine", WarmupSteps: 50}},
			Trainer: Trainer{Epochs: 100, BatchSize: 8, LR: 1e-3},
		}
	},
	// semanticseg_3d follows paper_configs/semantic_seg_3d_train.yaml: z-score
	// normalisation, flips and histogram shift, a residual DynUNet with
	// anisotropic strides (z halved once, Y and X twice), dropout 0.2,
	// generalized Dice + focal loss, Adam (weight decay 5e-4) with the rate ×0.98
	// every epoch, early stopping. Deliberately smaller for CPUs: features
	// 32-64-64-128 (paper 64-128-128-256), patches 32×128×128 (32×512×512),
	// batch 4, 100 epochs (10000) and patience 20 validations (50).
	"semanticseg_3d": func() Config {
		return Config{
			Data: Data{Patch: Patch{Size: []int{32, 128, 128}, PerImage: 4}, Normalize: ZScore(),
				Augment: []Transform{RandFlip(0.5), RandHistogramShift(0.2)}},
			Model: FCN{Net: DynUNet{Dims: 3, OutChannels: 2, Features: []int{32, 64, 64, 128},
				AxisStrides: [][]int{{1, 2, 2}, {1, 1, 1}, {2, 2, 2}}, Dropout: 0.2},
				Loss: GDLFocal{}, Optimizer: Optimizer{Kind: "adam", WeightDecay: 5e-4},
				Schedule: Schedule{Kind: "exponential", Gamma: 0.98}},
			Trainer: Trainer{Epochs: 100, BatchSize: 4, LR: 1e-3, Patience: 20},
		}
	},
	"labelfree_2d": func() Config {
		return Config{
			Data: Data{Patch: Patch{Size: []int{128, 128}, PerImage: 4}, Normalize: ZScore(),
				Augment: []Transform{RandFlip(0.5)}},
			Model: FCN{Net: UNet{Dims: 2, OutChannels: 1, Features: []int{32, 64, 128, 256}, NumResUnits: 1, Norm: "batch"},
				Loss: MSE{}, Metrics: []string{"pearson", "psnr"}, Schedule: Schedule{Kind: "exponential", Gamma: 0.98}},
			Trainer: Trainer{Epochs: 100, BatchSize: 8, LR: 1e-3},
		}
	},
	"labelfree_3d": func() Config {
		return Config{
			Data: Data{Patch: Patch{Size: []int{32, 128, 128}, PerImage: 4}, Normalize: ZScore(),
				Augment: []Transform{RandFlip(0.5)}},
			Model: FCN{Net: UNet{Dims: 3, OutChannels: 1, Features: []int{32, 64, 128, 256}, NumResUnits: 1, Norm: "batch"},
				Loss: MSE{}, Metrics: []string{"pearson", "psnr"}, Schedule: Schedule{Kind: "exponential", Gamma: 0.98}},
			Trainer: Trainer{Epochs: 100, BatchSize: 4, LR: 1e-3},
		}
	},
	"denoising_3d": func() Config {
		return Config{
			Data: Data{Patch: Patch{Size: []int{32, 128, 128}, PerImage: 4}, Normalize: Percentile(0.5, 99.5),
				Augment: []Transform{RandFlip(0.5), RandRotate90(0.5)}},
			Model: FCN{Net: UNet{Dims: 3, OutChannels: 1, Features: []int{32, 64, 128, 256}, Norm: "none"},
				Loss: MSE{}, Metrics: []string{"psnr", "ssim"}, Schedule: Schedule{Kind: "cosine", WarmupSteps: 50}},
			Trainer: Trainer{Epochs: 100, BatchSize: 4, LR: 5e-4},
		}
	},
	// pix2pix_2d follows the pix2pix paper (U-Net generator, 70×70 PatchGAN,
	// vanilla GAN + L1 ×100, Adam 2e-4 with β1 0.5) at a CPU's size: features
	// 32-64-128-256, discriminator nf 32, batch 4. Set
	// model.generator.out_channels to the target's channels (3 for RGB).
	"pix2pix_2d": func() Config {
		return Config{
			Data: Data{Patch: Patch{Size: []int{128, 128}, PerImage: 4}, Normalize: Percentile(1, 99.8),
				Augment: []Transform{RandFlip(0.5), RandRotate90(0.5)}},
			Model: Pix2Pix{Generator: UNet{Dims: 2, OutChannels: 1, Features: []int{32, 64, 128, 256}},
				Discriminator: PatchGAN{NF: 32}},
			Trainer: Trainer{Epochs: 100, BatchSize: 4, LR: 2e-4},
		}
	},
	// pix2pix_3d is pix2pix_2d for stacks: 16×64×64 patches, a 3D U-Net
	// generator (features 16-32-64-128) and a PatchGAN with 2 stride-2 layers,
	// so that 16 slices still leave a logit map.
	"pix2pix_3d": func() Config {
		return Config{
			Data: Data{Patch: Patch{Size: []int{16, 64, 64}, PerImage: 4}, Normalize: Percentile(1, 99.8),
				Augment: []Transform{RandFlip(0.5)}},
			Model: Pix2Pix{Generator: UNet{Dims: 3, OutChannels: 1, Features: []int{16, 32, 64, 128}},
				Discriminator: PatchGAN{NF: 16, NLayers: 2}},
			Trainer: Trainer{Epochs: 100, BatchSize: 2, LR: 2e-4},
		}
	},
	// cyclegan_2d is the CycleGAN paper's setup (LSGAN, cycle 10, identity 5,
	// pools of 50 fakes, Adam 2e-4 with β1 0.5) at a CPU's size, for unpaired
	// folders (IM/ = domain A, GT/ = domain B): U-Net generators 16-32-64-128,
	// PatchGANs with nf 32, 128×128 patches, batch 4.
	"cyclegan_2d": func() Config {
		return Config{
			Data: Data{Category: "unpair", Patch: Patch{Size: []int{128, 128}, PerImage: 4}, Normalize: Percentile(1, 99.8),
				Augment: []Transform{RandFlip(0.5), RandRotate90(0.5)}},
			Model: CycleGAN{Generator: UNet{Dims: 2, OutChannels: 1, Features: []int{16, 32, 64, 128}},
				Discriminator: PatchGAN{NF: 32}},
			Trainer: Trainer{Epochs: 100, BatchSize: 4, LR: 2e-4},
		}
	},
	// cyclegan_3d is cyclegan_2d for stacks: 16×64×64 patches, 3D U-Nets
	// 16-32-64 and PatchGANs with 2 stride-2 layers, batch 2.
	"cyclegan_3d": func() Config {
		return Config{
			Data: Data{Category: "unpair", Patch: Patch{Size: []int{16, 64, 64}, PerImage: 4}, Normalize: Percentile(1, 99.8),
				Augment: []Transform{RandFlip(0.5)}},
			Model: CycleGAN{Generator: UNet{Dims: 3, OutChannels: 1, Features: []int{16, 32, 64}},
				Discriminator: PatchGAN{NF: 16, NLayers: 2}},
			Trainer: Trainer{Epochs: 100, BatchSize: 2, LR: 2e-4},
		}
	},
	// probunet_2d is a probabilistic U-Net for 2D segmentation with uncertainty
	// maps (frameworks.md §4: latent size 6, β 1, AdamW 1e-3) at a 2-core CPU's
	// size: U-Net 16-32-64-128 whose encoder the prior and posterior nets
	// repeat, 128×128 patches, batch 8, Dice+CE reconstruction, 8 prior
	// samples at prediction.
	"probunet_2d": func() Config {
		return Config{
			Data: Data{Patch: Patch{Size: []int{128, 128}, PerImage: 4}, Normalize: Percentile(1, 99.8),
				Augment: []Transform{RandFlip(0.5), RandRotate90(0.5)}},
			Model: ProbUnet{Net: UNet{Dims: 2, OutChannels: 2, Features: []int{16, 32, 64, 128}},
				Loss: DiceCE{}, Schedule: Schedule{Kind: "cosine", WarmupSteps: 50}},
			Trainer: Trainer{Epochs: 100, BatchSize: 8, LR: 1e-3},
		}
	},
	// probunet_3d is probunet_2d for stacks: 16×64×64 patches, a 3D U-Net
	// 16-32-64, batch 2.
	"probunet_3d": func() Config {
		return Config{
			Data: Data{Patch: Patch{Size: []int{16, 64, 64}, PerImage: 4}, Normalize: Percentile(1, 99.8),
				Augment: []Transform{RandFlip(0.5)}},
			Model: ProbUnet{Net: UNet{Dims: 3, OutChannels: 2, Features: []int{16, 32, 64}},
				Loss: DiceCE{}, Schedule: Schedule{Kind: "cosine", WarmupSteps: 50}},
			Trainer: Trainer{Epochs: 100, BatchSize: 2, LR: 1e-3},
		}
	},
	// embedseg_2d is instance segmentation by spatial embeddings
	// (frameworks.md §3; data.category: embedseg, instance label targets) at a
	// 2-core CPU's size: BranchedERFNet 2D, 128×128 crops around objects,
	// batch 4, Adam 5e-4 with exponential decay 0.99 (the paper configs'),
	// foreground weight 10, approximate-medoid centres, validation by
	// clustering (ap50).
	"embedseg_2d": func() Config {
		return Config{
			Data: Data{Category: "embedseg", Patch: Patch{Size: []int{128, 128}, PerImage: 4}, Normalize: Percentile(1, 99.8),
				Augment: []Transform{RandFlip(0.5)}},
			Model:   EmbedSeg{Net: BranchedERFNet{Dims: 2}, Schedule: Schedule{Kind: "exponential", Gamma: 0.99}},
			Trainer: Trainer{Epochs: 100, BatchSize: 4, LR: 5e-4},
		}
	},
	// embedseg_3d is embedseg_2d for stacks, with what mmv's 3D paper configs
	// use instead of BranchedERFNet: a 3D U-Net (16-32-64, instance norm; its
	// head starts as BranchedERFNet's output layer, offsets 0 and sigma biases
	// 1), a minimum proposal size of 100 voxels and instances under 150 voxels
	// pruned after clustering (mmv prunes under 1500 on its data);
	// 16×64×64 crops, batch 2, Adam 2e-3 (the embedseg_2d tutorial's rate)
	// with exponential decay 0.99, foreground weight 4.5 (mmv's 3D configs),
	// centroid centres. Why, measured on synthetic stacks (`im2im data synth
	// --kind instance --size 16,64,64`: nuclei of 259–2550 voxels; and
	// framework's TestLearnEmbedSeg3D): in 160 steps BranchedERFNet (stride 8
	// without skips: 2 cells in z) learned nothing (train loss 1.28 → 1.31,
	// AP@0.5 0; in 2D too on nuclei of radius 4–7: AP 0.06), nor did the U-Net
	// without the head init (AP 0); with it, AP 1.0. The 3D clustering's
	// minimum size 3 kept fragments of 39–138 voxels as objects (held-out
	// AP@0.5 0.70; 0.97 with the pruning).
	"embedseg_3d": func() Config {
		return Config{
			Data: Data{Category: "embedseg", Patch: Patch{Size: []int{16, 64, 64}, PerImage: 4}, Normalize: Percentile(1, 99.8),
				Augment: []Transform{RandFlip(0.5)}},
			Model: EmbedSeg{Net: UNet{Dims: 3, OutChannels: 7, Features: []int{16, 32, 64}}, ForegroundWeight: 4.5,
				CenterMethod: "centroid", Cluster: Clustering{MinObjectSize: 100}, Predict: Prediction{MinSize: 150},
				Schedule: Schedule{Kind: "exponential", Gamma: 0.99}},
			Trainer: Trainer{Epochs: 100, BatchSize: 2, LR: 2e-3},
		}
	},
}

// Presets returns the preset names, sorted.
func Presets() []string {
	out := make([]string, 0, len(presets))
	for n := range presets {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Preset returns mmv_im2im's standard configuration called name
// (semanticseg_2d, semanticseg_3d, labelfree_2d, labelfree_3d, denoising_3d,
// pix2pix_2d, pix2pix_3d, cyclegan_2d, cyclegan_3d, probunet_2d, probunet_3d, embedseg_2d,
// embedseg_3d);
// set its Data.Path and override what differs.
func Preset(name string) (Config, error) {
	f, ok := presets[strings.ToLower(name)]
	if !ok {
		msg := fmt.Sprintf("unknown preset %q (presets: %s)", name, strings.Join(Presets(), ", "))
		if s := nearest(strings.ToLower(name), Presets()); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		}
		return Config{}, fmt.Errorf("%s", msg)
	}
	return f(), nil
}
