package framework

import (
	"testing"

	"github.com/im2im/im2im/data/array"
	"github.com/im2im/im2im/data/loader"
	"github.com/im2im/im2im/data/transform"
)

func TestLoaderDatasetRandomAccessMatchesSequential(t *testing.T) {
	var src loader.Samples
	for i := 0; i < 6; i++ {
		s := array.NewSample(string(rune('a' + i)))
		im, gt := array.New(1, 12, 12), array.New(1, 12, 12)
		for j := range im.Data {
			im.Data[j] = float32(i*1000 + j)
			gt.Data[j] = float32(j % 2)
		}
		s.Arrays["IM"], s.Arrays["GT"] = im, gt
		src = append(src, s)
	}
	newDS := func() *LoaderDataset {
		l, err := loader.New(src, loader.Options{BatchSize: 2, Workers: 2, Seed: 3,
			Random: transform.Chain{&transform.RandCropSamples{Size: []int{8, 8}, N: 2}, &transform.RandFlip{Prob: 0.5}}})
		if err != nil {
			t.Fatal(err)
		}
		d := NewLoaderDataset(l, "IM", "GT")
		t.Cleanup(d.Close)
		return d
	}
	seq := newDS()
	if seq.Len() != 6 {
		t.Fatalf("Len = %d, want 6 batches (6 samples × 2 patches / 2)", seq.Len())
	}
	var want [][]float32
	for e := 0; e < 2; e++ {
		for i := 0; i < seq.Len(); i++ {
			b, err := seq.Batch(e, i)
			if err != nil {
				t.Fatal(err)
			}
			if len(b.X.Shape) != 4 || b.X.Shape[0] != 2 || b.X.Shape[2] != 8 || b.Y.Shape[1] != 1 {
				t.Fatalf("batch shapes %v %v", b.X.Shape, b.Y.Shape)
			}
			want = append(want, append([]float32(nil), b.X.Data...))
		}
	}
	// Out of order, as a resume or an interleaved validation would ask.
	ra := newDS()
	for _, p := range [][2]int{{1, 4}, {1, 4}, {0, 2}, {1, 0}, {0, 5}, {0, 0}, {0, 0}, {1, 5}} {
		b, err := ra.Batch(p[0], p[1])
		if err != nil {
			t.Fatal(err)
		}
		w := want[p[0]*6+p[1]]
		for k := range w {
			if b.X.Data[k] != w[k] {
				t.Fatalf("epoch %d batch %d differs from the sequential read", p[0], p[1])
			}
		}
	}
	if _, err := ra.Batch(0, 6); err == nil {
		t.Error("batch 6 of 6: want an error")
	}
	bad := NewLoaderDataset(ra.Loader, "IM", "CM")
	defer bad.Close()
	if _, err := bad.Batch(0, 0); err == nil {
		t.Error("missing role: want an error")
	}
}
