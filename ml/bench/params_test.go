package bench

import (
	"github.com/im2im/im2im/ml/nets"
	"strings"
	"testing"
)

func TestFormatParams(t *testing.T) {
	cases := []struct {
		in   map[string]int64
		want string
	}{
		{nil, ""},
		{map[string]int64{"generator": 5}, "params_generator=5"},
		{map[string]int64{"generator": 5, "discriminator": 7}, "params_discriminator=7 params_generator=5"},
	}
	for _, tc := range cases {
		if got := FormatParams(tc.in); got != tc.want {
			t.Errorf("FormatParams(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCompareParams(t *testing.T) {
	cases := []struct {
		name         string
		ours, theirs map[string]int64
		want         []string // substrings of the difference; none: equal
	}{
		{"equal", map[string]int64{"g": 1, "d": 2}, map[string]int64{"d": 2, "g": 1}, nil},
		{"count", map[string]int64{"g": 1}, map[string]int64{"g": 3}, []string{"g: ours 1, torch 3"}},
		{"missing both ways", map[string]int64{"g": 1}, map[string]int64{"d": 1}, []string{"d: ours none", "g: ours 1, torch none"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := CompareParams(tc.ours, tc.theirs)
			if (got == "") != (len(tc.want) == 0) {
				t.Fatalf("CompareParams = %q, want differences %v", got, tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Fatalf("CompareParams = %q, want it to mention %q", got, w)
				}
			}
		})
	}
}

func TestNetParams(t *testing.T) {
	cases := []struct {
		name string
		net  nets.UNet
		want int64
	}{
		// The count train.py prints for its UNet(b=16): convs without bias,
		// BN affine, ConvTranspose and head with bias.
		{"ttd reference", nets.UNet{Dims: 2, OutChannels: 2, Features: []int{16, 32, 64}, Norm: "batch", Act: "relu", Down: nets.DownMaxPool}, 117090},
		// Without norm the convolutions carry biases: 10 convs × their out channels more, minus BN's 2 per channel.
		{"no norm", nets.UNet{Dims: 2, OutChannels: 2, Features: []int{16, 32, 64}, Norm: "none", Act: "relu", Down: nets.DownMaxPool}, 117090 - (16 + 16 + 32 + 32 + 64 + 64 + 32 + 32 + 16 + 16)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NetParams(DefaultBackend, tc.net, []int{1, 1, 16, 16})
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("NetParams = %d, want %d", got, tc.want)
			}
		})
	}
}
