package im2im

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/im2im/im2im/data/imageio"
	"github.com/im2im/im2im/data/synth"
)

// TestPredictTCZYX trains tinySeg once (a 2-class 2D net with one input
// channel) and predicts time series, multi-channel images and output types.
func TestPredictTCZYX(t *testing.T) {
	data := synthDir(t, synth.Semantic, 4)
	c := tinySeg(data, t.TempDir())
	run, err := Train(c.Data, c.Model, c.Trainer)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("every time point", func(t *testing.T) { testPredictEveryTimePoint(t, run, data) })
	t.Run("channels", func(t *testing.T) { testPredictChannels(t, run, data) })
	t.Run("dtype", func(t *testing.T) { testPredictDType(t, run, data) })
	t.Run("another net", func(t *testing.T) { testPredictOtherNet(t, run, data) })
	t.Run("tiled", func(t *testing.T) { testPredictTiled(t, run, data) })
}

// readImage reads a whole image as TCZYX float32 with its element type.
func readImage(t *testing.T, path string) ([]float32, [5]int, imageio.DType) {
	t.Helper()
	a, meta, err := imageio.ReadFile(path, imageio.Selection{})
	if err != nil {
		t.Fatal(err)
	}
	return a.Float32(), meta.Shape, meta.DType
}

// writeImage writes float32 data as an OME-TIFF with the given dims.
func writeImage(t *testing.T, path, dims string, data []float32, shape ...int) {
	t.Helper()
	a, err := imageio.FromFloat32(data, dims, shape...)
	if err != nil {
		t.Fatal(err)
	}
	if err := imageio.WriteOMETIFF(path, a, imageio.WriteMeta{}, imageio.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
}

// predictOne predicts one file with c into a fresh folder and reads the result.
func predictOne(t *testing.T, c Config, ckpt, path string) ([]float32, [5]int, imageio.DType) {
	t.Helper()
	files, err := Predict(c, ckpt, path, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 {
		t.Fatalf("predicted %v", files)
	}
	return readImage(t, files[0])
}

// frames returns three different 48×48 frames: image 0, image 1 and image 0
// flipped upside down, read from the synthetic data.
func frames(t *testing.T, data string) [][]float32 {
	t.Helper()
	a, _, _ := readImage(t, filepath.Join(data, "semantic_000_IM.ome.tiff"))
	b, _, _ := readImage(t, filepath.Join(data, "semantic_001_IM.ome.tiff"))
	flip := make([]float32, len(a))
	for y := 0; y < 48; y++ {
		copy(flip[y*48:(y+1)*48], a[(47-y)*48:(48-y)*48])
	}
	return [][]float32{a, b, flip}
}

func testPredictEveryTimePoint(t *testing.T, run *Run, data string) {
	dir := t.TempDir()
	fr := frames(t, data)
	var tcyx []float32
	var want [][]float32
	for i, f := range fr {
		tcyx = append(tcyx, f...)
		p := filepath.Join(dir, fmt.Sprintf("frame%d.ome.tiff", i))
		writeImage(t, p, "YX", f, 48, 48)
		got, shape, _ := predictOne(t, run.Config, run.Checkpoint(), p)
		if shape != [5]int{1, 1, 1, 48, 48} {
			t.Fatalf("frame %d: prediction shape %v", i, shape)
		}
		want = append(want, got)
	}
	if fmt.Sprint(want[0]) == fmt.Sprint(want[1]) {
		t.Fatal("frames 0 and 1 predict the same labels: the test cannot tell frames apart")
	}
	p := filepath.Join(dir, "movie.ome.tiff")
	writeImage(t, p, "TCYX", tcyx, 3, 1, 48, 48)
	got, shape, dt := predictOne(t, run.Config, run.Checkpoint(), p)
	if shape != [5]int{3, 1, 1, 48, 48} {
		t.Fatalf("T=3 prediction shape %v, want T=3, C=1, 48×48", shape)
	}
	if dt != imageio.Uint8 {
		t.Errorf("labels written as %v, want uint8", dt)
	}
	for i := range fr {
		if fmt.Sprint(got[i*48*48:(i+1)*48*48]) != fmt.Sprint(want[i]) {
			t.Errorf("time point %d differs from predicting that frame alone", i)
		}
	}
	// A 2D net predicts every z plane of a stack.
	p = filepath.Join(dir, "stack.ome.tiff")
	writeImage(t, p, "ZYX", tcyx[:2*48*48], 2, 48, 48)
	got, shape, _ = predictOne(t, run.Config, run.Checkpoint(), p)
	if shape != [5]int{1, 1, 2, 48, 48} {
		t.Fatalf("Z=2 prediction shape %v, want C=1, Z=2, 48×48", shape)
	}
	for z := 0; z < 2; z++ {
		if fmt.Sprint(got[z*48*48:(z+1)*48*48]) != fmt.Sprint(want[z]) {
			t.Errorf("plane %d differs from predicting that plane alone", z)
		}
	}
}

func testPredictChannels(t *testing.T, run *Run, data string) {
	dir := t.TempDir()
	fr := frames(t, data)
	// Three channels: frame 1, frame 0, the flipped frame. The net takes one.
	var czyx []float32
	for _, i := range []int{1, 0, 2} {
		czyx = append(czyx, fr[i]...)
	}
	multi := filepath.Join(dir, "multi.ome.tiff")
	writeImage(t, multi, "CYX", czyx, 3, 48, 48)
	single := filepath.Join(dir, "single.ome.tiff")
	writeImage(t, single, "YX", fr[0], 48, 48)
	want, _, _ := predictOne(t, run.Config, run.Checkpoint(), single)

	c := run.Config
	withFCN(&c, func(m *FCN) { m.Predict.Channels = []int{1} })
	got, shape, _ := predictOne(t, c, run.Checkpoint(), multi)
	if shape != [5]int{1, 1, 1, 48, 48} || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("channels [1] of the 3-channel image: shape %v, labels differ from the 1-channel image's: %v", shape, fmt.Sprint(got) != fmt.Sprint(want))
	}

	declared := run.Config
	withFCN(&declared, func(m *FCN) { m.Net = withInChannels(t, m.Net, 1) })
	for _, tc := range []struct {
		name string
		c    Config
		want []string
	}{
		{"all channels, net size from the checkpoint", run.Config, []string{multi, "all 3 channel(s) of the image", "do not fit the net of", "model.predict.channels"}},
		{"all channels, net declares 1", declared, []string{multi, "all 3 channel(s) of the image", "the net takes 1 input channel(s)"}},
		{"channel out of range", withChannels(run.Config, 0, 3), []string{multi, "model.predict.channels [0 3]", "0..2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Predict(tc.c, run.Checkpoint(), multi, t.TempDir())
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func withChannels(c Config, ch ...int) Config {
	withFCN(&c, func(m *FCN) { m.Predict.Channels = ch })
	return c
}

func withInChannels(t *testing.T, n Net, in int) Net {
	t.Helper()
	u, ok := n.(UNet)
	if !ok {
		t.Fatalf("net %T", n)
	}
	u.InChannels = in
	return u
}

func testPredictDType(t *testing.T, run *Run, data string) {
	in := filepath.Join(data, "semantic_000_IM.ome.tiff")
	for _, tc := range []struct {
		output, dtype string
		want          imageio.DType
		max           float32 // largest value expected
	}{
		{"labels", "", imageio.Uint8, 1},
		{"labels", "uint16", imageio.Uint16, 1},
		{"labels", "float32", imageio.Float32, 1},
		{"prob", "", imageio.Float32, 1},
		{"raw", "", imageio.Float32, 0},
	} {
		t.Run(tc.output+"/"+tc.dtype, func(t *testing.T) {
			c := run.Config
			withFCN(&c, func(m *FCN) { m.Predict.Output, m.Predict.DType = tc.output, tc.dtype })
			got, shape, dt := predictOne(t, c, run.Checkpoint(), in)
			if dt != tc.want {
				t.Errorf("written as %v, want %v", dt, tc.want)
			}
			wantC := 1
			if tc.output != "labels" {
				wantC = 2
			}
			if shape != [5]int{1, wantC, 1, 48, 48} {
				t.Errorf("shape %v", shape)
			}
			if tc.max > 0 {
				for _, v := range got {
					if v < 0 || v > tc.max {
						t.Fatalf("value %v outside [0, %v]", v, tc.max)
					}
				}
			}
		})
	}
	for _, tc := range []struct {
		output, dtype, want string
	}{
		{"prob", "uint8", "model.predict.dtype: uint8 would round probabilities"},
		{"labels", "int8", `model.predict.dtype: want float32, uint8 or uint16, got "int8"`},
	} {
		c := run.Config
		withFCN(&c, func(m *FCN) { m.Predict.Output, m.Predict.DType = tc.output, tc.dtype })
		if _, err := Predict(c, run.Checkpoint(), in, t.TempDir()); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s as %s: predict error %v, want %q", tc.output, tc.dtype, err, tc.want)
		}
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s as %s: validation %v, want %q", tc.output, tc.dtype, err, tc.want)
		}
	}
}

func TestPredictConfigChecks(t *testing.T) {
	data := synthDir(t, synth.Semantic, 1)
	for _, tc := range []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"negative channel", func(c *Config) { withFCN(c, func(m *FCN) { m.Predict.Channels = []int{-1} }) }, "model.predict.channels[0]: must not be negative, got -1"},
		{"repeated channel", func(c *Config) { withFCN(c, func(m *FCN) { m.Predict.Channels = []int{0, 0} }) }, "model.predict.channels[1]: channel 0 is selected twice"},
		{"channels vs in_channels", func(c *Config) {
			withFCN(c, func(m *FCN) { m.Predict.Channels = []int{0, 2} })
			withFCN(c, func(m *FCN) { m.Net = UNet{Features: []int{4, 8}, OutChannels: 2, InChannels: 1} })
		}, "model.predict.channels: selects 2 channel(s) [0 2] but model.net.in_channels is 1"},
		{"uint8 labels of 300 classes", func(c *Config) {
			withFCN(c, func(m *FCN) { m.Net = UNet{Features: []int{4, 8}, OutChannels: 300} })
			withFCN(c, func(m *FCN) { m.Predict.DType = "uint8" })
		}, "model.predict.dtype: uint8 holds labels up to 255, but the net's 300 output channels give labels up to 299"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tinySeg(data, t.TempDir())
			tc.edit(&c)
			if err := c.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("validation %v, want %q", err, tc.want)
			}
		})
	}
	// The default type follows the number of classes.
	for _, tc := range []struct {
		out  int
		want string
	}{{1, "uint8"}, {2, "uint8"}, {256, "uint8"}, {257, "uint16"}} {
		c := tinySeg(data, t.TempDir())
		withFCN(&c, func(m *FCN) { m.Net = UNet{Features: []int{4, 8}, OutChannels: tc.out} })
		dt, err := predictDType(c.Resolved().fcn())
		if err != nil || dt.String() != tc.want {
			t.Errorf("%d output channels: dtype %v (%v), want %s", tc.out, dt, err, tc.want)
		}
	}
}
