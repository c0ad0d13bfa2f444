package im2im

import (
	"strings"
	"testing"
)

// TestMMVEmbedSegProbUnetMapping: one embedseg or ProbUnet setting each,
// mapped to im2im's key (the converted YAML holds want).
func TestMMVEmbedSegProbUnetMapping(t *testing.T) {
	const es = "mode: train\ndata:\n  category: embedseg\nmodel:\n  framework: embedseg\n"
	const pu = "mode: train\nmodel:\n  framework: ProbUnet\n"
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{"erfnet", es + "  net: {module_name: mmv_im2im.models.nets.BranchedERFNet_2d, func_name: BranchedERFNet_2d, params: {num_classes: [4, 1], input_channels: 2}}\n",
			[]string{"kind: branched_erfnet", "dims: 2", "in_channels: 2"}},
		{"unet for embedseg", es + "  net: {module_name: monai.networks.nets, func_name: UNet, params: {spatial_dims: 3, out_channels: 7, channels: [8, 16], strides: [2]}}\n",
			[]string{"kind: unet", "out_channels: 7"}},
		{"grid 2D", es + "  criterion: {func_name: SpatialEmbLoss_2d, params: {grid_y: 1281, grid_x: 1281, pixel_y: 1, pixel_x: 1, foreground_weight: 10}}\n",
			[]string{"grid_step: 0.00078125", "foreground_weight: 10"}},
		{"grid y differs", es + "  criterion: {func_name: SpatialEmbLoss_2d, params: {grid_y: 513, grid_x: 1025}}\n",
			[]string{"grid_step: 0.0009765625", "im2im has one step for Y and X"}},
		{"grid 3D anisotropy", es + "  criterion: {func_name: SpatialEmbLoss_3d, params: {grid_z: 129, grid_y: 1025, grid_x: 1025, pixel_z: 1}}\n",
			[]string{"anisotropy: 8", "mmv's implicit anisotropy"}},
		{"clustering", es + "  criterion: {func_name: SpatialEmbLoss_2d, params: {seed_thresh: 0.9, min_mask_sum: 2, min_unclustered_sum: 2, min_object_size: 4}}\n",
			[]string{"seed_thresh: 0.9", "min_mask_sum: 2", "min_unclustered_sum: 2", "min_object_size: 4"}},
		{"centre from model_extra", es + "  model_extra: {center_method: approximate-medoid}\n", []string{"center_method: approximate-medoid"}},
		{"centre from data.extra", "mode: train\ndata:\n  extra: {center_method: Medoid}\nmodel:\n  framework: embedseg\n", []string{"center_method: medoid"}},
		{"CE and CL keys", "mode: train\ndata:\n  preprocess:\n    - {func_name: LoadImaged, params: {keys: [IM, GT, CE, CL], dimension_order_out: YX}}\nmodel:\n  framework: embedseg\n",
			[]string{"CE, CL: im2im computes each object's centre"}},
		{"cluster postprocess", "mode: inference\ndata:\n  postprocess:\n    - {func_name: generate_instance_clusters, params: {grid_x: 1281, grid_y: 1281, seed_thresh: 0.5, min_object_size: 36}}\nmodel:\n  framework: embedseg\n",
			[]string{"seed_thresh: 0.5", "min_object_size: 36", "grid_step: 0.00078125"}},
		{"no crop", es, []string{"no crop in mmv"}},
		{"probunet net", pu + "  net: {func_name: ProbabilisticUNet, params: {spatial_dims: 2, in_channels: 1, out_channels: 3, latent_dim: 4, channels: [8, 16, 32], strides: [1, 2, 2], dropout: 0.2, task: segmentation}}\n",
			[]string{"latent_dim: 4", "features: [8, 16, 32]", "strides: [2, 2]", "dropout: 0.2", "combiner puts ReLUs"}},
		{"elbo", pu + "  criterion: {func_name: ELBOLoss, params: {beta: 0.5, kl_clamp: 10, elbo_class_weights: [1, 2]}}\n",
			[]string{"beta: 0.5", "kl_clamp: 10", "kind: ce", "class_weights: [1, 2]"}},
		{"regularisers off", pu + "  criterion: {func_name: ELBOLoss, params: {use_fractal_regularization: False, fractal_weight: 1, fractal_mode: entropy}}\n",
			[]string{"2 settings of regularisers that are off"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conv, err := ConvertMMV("f.yaml", []byte(tt.yaml))
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(conv.YAML, w) {
					t.Errorf("converted YAML lacks %q:\n%s", w, conv.YAML)
				}
			}
		})
	}
}
