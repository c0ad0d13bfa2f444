package im2im

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMMVSemanticSeg2DValidates: the converted semanticseg_2d preset, given a
// data path, validates and round-trips through its YAML.
func TestMMVSemanticSeg2DValidates(t *testing.T) {
	dir := mmvPresetDir(t)
	b, err := os.ReadFile(filepath.Join(dir, "preset_train_semanticseg_2d.yaml"))
	if err != nil {
		t.Skip(err)
	}
	data := t.TempDir()
	conv, err := ConvertMMV("semanticseg_2d", b, "data.path="+data)
	if err != nil {
		t.Fatal(err)
	}
	if err := conv.Config.Validate(); err != nil {
		t.Fatalf("validate: %v", err)
	}
	back, err := ParseConfig("back", conv.Config.YAML())
	if err != nil || back.YAML() != conv.Config.YAML() {
		t.Fatalf("round trip: %v", err)
	}
}

// TestConvertMMVErrors: each part im2im cannot honour is one problem naming
// its path and line.
func TestConvertMMVErrors(t *testing.T) {
	tests := []struct {
		name, yaml, path string
		line             int
	}{
		{"framework", "mode: train\nmodel:\n  framework: nnUnet\n", "model.framework", 3},
		{"erfnet classes", "mode: train\nmodel:\n  framework: embedseg\n  net:\n    module_name: mmv_im2im.models.nets.BranchedERFNet_3d\n    func_name: BranchedERFNet_3d\n    params:\n      num_classes: [4, 1]\n", "model.net.params.num_classes", 8},
		{"n_sigma", "mode: train\nmodel:\n  framework: embedseg\n  criterion:\n    func_name: SpatialEmbLoss_2d\n    params: {n_sigma: 3}\n", "model.criterion.params.n_sigma", 6},
		{"embedseg loss", "mode: train\nmodel:\n  framework: embedseg\n  criterion:\n    func_name: DiceLoss\n", "model.criterion.func_name", 5},
		{"center method", "mode: train\ndata:\n  extra: {center_method: middle}\nmodel:\n  framework: embedseg\n", "data.extra.center_method", 3},
		{"probunet task", "mode: train\nmodel:\n  framework: ProbUnet\n  net:\n    func_name: ProbabilisticUNet\n    params: {task: regression}\n", "model.net.params.task", 6},
		{"regulariser on", "mode: train\nmodel:\n  framework: ProbUnet\n  criterion:\n    func_name: ELBOLoss\n    params: {use_fractal_regularization: True, fractal_weight: 1}\n", "model.criterion.params.use_fractal_regularization", 6},
		{"n_classes", "mode: train\nmodel:\n  framework: ProbUnet\n  net:\n    func_name: ProbabilisticUNet\n    params: {out_channels: 3}\n  criterion:\n    func_name: ELBOLoss\n    params: {n_classes: 2}\n", "model.criterion.params.n_classes", 9},
		{"probunet net", "mode: train\nmodel:\n  framework: ProbUnet\n  net:\n    module_name: monai.networks.nets\n    func_name: UNet\n", "model.net.func_name", 6},
		{"transform", "mode: train\ndata:\n  preprocess:\n    - module_name: monai.transforms\n      func_name: Spacingd\n", "data.preprocess[0].func_name", 4},
		{"loss", "mode: train\nmodel:\n  criterion:\n    module_name: monai.losses\n    func_name: TverskyLoss\n", "model.criterion.func_name", 5},
		{"scheduler", "mode: train\nmodel:\n  scheduler:\n    module_name: torch.optim.lr_scheduler\n    func_name: StepLR\n", "model.scheduler.func_name", 5},
		{"unknown key", "mode: train\ndata:\n  dataset: x\n", "data.dataset", 3},
		{"category", "mode: train\ndata:\n  category: embedseg\n", "data.category", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ConvertMMV("f.yaml", []byte(tt.yaml))
			var me *MMVError
			if !errors.As(err, &me) || len(me.Problems) != 1 {
				t.Fatalf("want one problem, got %v", err)
			}
			if p := me.Problems[0]; p.Path != tt.path || p.Line != tt.line {
				t.Errorf("got %s line %d, want %s line %d", p.Path, p.Line, tt.path, tt.line)
			}
			if !strings.Contains(err.Error(), "f.yaml:") {
				t.Errorf("error does not name the file: %v", err)
			}
		})
	}
}

// TestMMVTransforms: one mmv transform each, mapped to im2im's.
func TestMMVTransforms(t *testing.T) {
	tests := []struct {
		fn, params, want string
	}{
		{"NormalizeIntensityd", "{keys: [IM]}", "normalize:\n    name: normalize_zscore"},
		{"ScaleIntensityRangePercentilesd", "{keys: [IM], lower: 0.5, upper: 99.5, b_min: -1, b_max: 1}", "lower: 0.5"},
		{"ScaleIntensityRangePercentilesd", "{keys: [GT], lower: 1, upper: 99, b_min: 0, b_max: 1}", "keys: [GT]"},
		{"RandSpatialCropSamplesd", "{keys: [IM, GT], roi_size: [32, 64], num_samples: 8}", "per_image: 8"},
		{"RandCropByPosNegLabeld", "{keys: [IM, GT], spatial_size: [32, 32], pos: 1, neg: 3}", "pos_fraction: 0.25"},
		{"RandFlipd", "{keys: [IM, GT], prob: 0.5, spatial_axis: [1]}", "name: rand_flip\n      params: {prob: 0.5, spatial_axis: [1]}"},
		{"RandRotate90d", "{keys: [IM, GT], prob: 0.2}", "rand_rot90"},
		{"RandHistogramShiftd", "{keys: [IM], prob: 0.2, num_control_points: [3, 6]}", "num_control_points: 6"},
		{"RandGaussianNoised", "{keys: [IM], prob: 0.3, std: 0.05}", "std: 0.05"},
		{"RandAdjustContrastd", "{keys: [IM], prob: 0.3, gamma: [0.7, 1.5]}", "rand_gamma"},
		{"Rand2DElasticd", "{keys: [IM, GT], prob: 0.2, spacing: [32, 32], magnitude_range: [1, 5]}", "magnitude: 5"},
		{"SpatialPadd", "{keys: [IM, GT], spatial_size: [512, 512], mode: reflect}", "name: pad"},
		{"DivisiblePadd", "{keys: [IM, GT], k: 8}", "name: divisible_pad"},
		{"CenterSpatialCropd", "{keys: [IM, GT], roi_size: [64, 64]}", "center_crop"},
		{"EnsureChannelFirstd", "{keys: [IM, GT], channel_dim: no_channel}", "normalize:\n    name: none"},
	}
	for _, tt := range tests {
		t.Run(tt.fn, func(t *testing.T) {
			y := "mode: train\ndata:\n  preprocess:\n    - module_name: monai.transforms\n      func_name: LoadImaged\n      params: {keys: [IM, GT], dimension_order_out: YX}\n" +
				"    - module_name: monai.transforms\n      func_name: " + tt.fn + "\n      params: " + tt.params + "\n"
			conv, err := ConvertMMV("t.yaml", []byte(y))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(conv.YAML, tt.want) {
				t.Errorf("converted YAML lacks %q:\n%s", tt.want, conv.YAML)
			}
		})
	}
}

func FuzzConvertMMV(f *testing.F) {
	f.Add([]byte("mode: train\nmodel:\n  framework: FCN\n  net:\n    module_name: monai.networks.nets\n    func_name: UNet\n    params: {spatial_dims: 2, channels: [8, 16], strides: [2]}\n"))
	f.Add([]byte("mode: train\ndata:\n  data_path: '{train: a, val: b}'\n  preprocess:\n    - func_name: RandSpatialCropSamplesd\n      params: {roi_size: [8, 8], num_samples: 2}\n"))
	f.Add([]byte("model:\n  framework: cyclegan\n  net:\n    generator: {type: predefined_resnet}\n"))
	f.Add([]byte("data:\n  category: embedseg\n  extra: {center_method: medoid}\nmodel:\n  framework: embedseg\n  net: {func_name: BranchedERFNet_3d, params: {num_classes: [6, 1]}}\n  criterion: {func_name: SpatialEmbLoss_3d, params: {grid_z: 32, grid_y: 256, grid_x: 128, n_sigma: 3}}\n"))
	f.Add([]byte("model:\n  framework: ProbUnet\n  net: {func_name: ProbabilisticUNet, params: {channels: [8, 16], strides: [1, 2], latent_dim: 4}}\n  criterion: {func_name: ELBOLoss, params: {beta: 0.5, use_hausdorff_regularization: false, hausdorff_weight: 1}}\n"))
	f.Add([]byte("mode: inference\ndata:\n  inference_input: {dir: a, reader_params: {dimension_order_out: ZYX, C: 0}}\n  inference_output: {path: b}\n  postprocess:\n    - func_name: generate_instance_clusters\n      params: {seed_thresh: 0.9}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 1<<14 {
			return
		}
		conv, err := ConvertMMV("fuzz.yaml", b)
		if err == nil && conv.YAML == "" {
			t.Fatal("no YAML")
		}
	})
}
