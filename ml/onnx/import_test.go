package onnx

import (
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/backends"
	"github.com/im2im/im2im/ml/backend"
	"github.com/im2im/im2im/ml/nets"
)

// Import gives back every variable Export wrote, exactly, with its shape:
// transposed and flipped up-sampling kernels, reshaped group-norm affines and
// scalar PReLU slopes included.
func TestImportInvertsExport(t *testing.T) {
	b, err := backends.NewWithConfig(backend.Name)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Finalize()
	for i, tc := range exportCases {
		_, _, w := runNet(t, b, tc.net, tc.in, uint64(i+11))
		model, _, err := Export(tc.net, w, Options{})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got, err := Import(tc.net, model, Options{})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		exported := 0
		for name, want := range w {
			if strings.Contains(name, "#") || strings.HasPrefix(name, "/deep") { // the RNG state; DynUNet's deep-supervision heads are not exported
				continue
			}
			exported++
			g, ok := got[name]
			if !ok {
				t.Errorf("%s: %s not imported", tc.name, name)
				continue
			}
			if !slices.Equal(g.Shape().Dimensions, want.Shape().Dimensions) {
				t.Errorf("%s: %s has shape %v, want %v", tc.name, name, g.Shape().Dimensions, want.Shape().Dimensions)
				continue
			}
			if !slices.Equal(flat(t, g), flat(t, want)) {
				t.Errorf("%s: %s differs after the round trip", tc.name, name)
			}
		}
		if len(got) != exported {
			t.Errorf("%s: imported %d variables, exported %d", tc.name, len(got), exported)
		}
	}
}

// A model that is not the configured net's export is one error naming the
// first difference.
func TestImportErrors(t *testing.T) {
	b, err := backends.NewWithConfig(backend.Name)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Finalize()
	small := nets.UNet{Dims: 2, OutChannels: 2, Features: []int{4, 8}}
	_, _, w := runNet(t, b, small, []int{1, 1, 8, 8}, 3)
	model, _, err := Export(small, w, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		net   any
		model []byte
		want  string
	}{
		{"features", nets.UNet{Dims: 2, OutChannels: 2, Features: []int{8, 8}}, model,
			"initializer enc0/block0/conv/weights has shape [4 1 3 3] in the model; the configured net's is [8 1 3 3]"},
		{"out channels", nets.UNet{Dims: 2, OutChannels: 3, Features: []int{4, 8}}, model,
			"initializer head/weights has shape [2 4 1 1] in the model; the configured net's is [3 4 1 1]"},
		{"in channels", nets.UNet{Dims: 2, InChannels: 2, OutChannels: 2, Features: []int{4, 8}}, model,
			"takes 1 input channels, the config's in_channels is 2"},
		{"activation", nets.UNet{Dims: 2, OutChannels: 2, Features: []int{4, 8}, Act: "relu"}, model,
			"node 2 (enc0/block0/act/Relu): the model has PRelu \"enc0/block0/act/PRelu\" there; the configured im2im_unet has Relu"},
		{"norm", nets.UNet{Dims: 2, OutChannels: 2, Features: []int{4, 8}, Norm: "batch"}, model,
			"node 1 (enc0/block0/norm/BatchNormalization): the model has InstanceNormalization"},
		{"kernel", nets.UNet{Dims: 2, OutChannels: 2, Features: []int{4, 8}, KernelSize: 5}, model,
			"has shape [4 1 3 3] in the model; the configured net's is [4 1 5 5]"},
		{"depth", nets.UNet{Dims: 2, OutChannels: 2, Features: []int{4, 8, 16}}, model,
			"node 12 (enc2/block0/conv/Conv): the model has ConvTranspose \"dec0/up/ConvTranspose\" there"},
		{"net kind", nets.AttentionUNet{Dims: 2, OutChannels: 2, Features: []int{4, 8}}, model,
			"the model's graph is \"im2im_unet\" (written by \"im2im\"); the configured net exports as \"im2im_attention_unet\""},
		{"dims", nets.UNet{Dims: 3, OutChannels: 2, Features: []int{4, 8}}, model, "no initializer enc0/block0/conv/weights of rank 5"},
		{"not a model", small, []byte("not onnx"), "onnx:"},
		{"no export", nets.PatchGAN{}, model, "net nets.PatchGAN has no ONNX export"},
	}
	for _, tc := range cases {
		_, err := Import(tc.net, tc.model, Options{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error with %q", tc.name, err, tc.want)
		}
	}
}
