package bench

import (
	"bytes"
	"strings"
	"testing"
)

// TestOursPix2PixTiny runs one pix2pix step of tiny nets through the benchmark's
// code path and checks the parameter counts against the layer layout that
// torch_pix2pix.py builds (counted by hand for these sizes).
func TestOursPix2PixTiny(t *testing.T) {
	o := Options{Model: ModelPix2Pix, Dims: 2, Batch: 1, Size: "24,24", Warmup: 0, Steps: 1, Threads: 2, Backend: DefaultBackend}
	size, err := o.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	r, err := OursPix2Pix(&buf, o, size, Pix2PixNets{Features: []int{4, 8}, NF: 4})
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	out := buf.String()
	if r.N != 1 || !(r.Median > 0) || !strings.Contains(out, "ours step 0:") || strings.Contains(out, "NaN") {
		t.Fatalf("result %+v, output:\n%s", r, out)
	}
	// Generator [4, 8]: enc0 conv 1→4 (36) + IN (8) + PReLU (1), conv 4→4 (144+8+1);
	// enc1 conv 4→8 s2 (288+16+1), conv 8→8 (576+16+1); up ConvTranspose 8→4 k2 (128+4);
	// dec0 conv 8→4 (288+8+1), conv 4→4 (144+8+1); head 4→1 (4+1).
	// PatchGAN NF 4: 2→4 (128+4); 4→8 (512+8+16); 8→16 (2048+16+32); 16→32 s1
	// (8192+32+64); logits 32→1 (512+1).
	want := map[string]int64{"generator": 1683, "discriminator": 11565}
	if msg := CompareParams(r.Params, want); msg != "" {
		t.Fatalf("parameter counts: %s", msg)
	}
}
