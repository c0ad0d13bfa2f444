package plot

import (
	"math"
	"os"
	"path/filepath"
	"testing"
)

// blobs returns a Z×Y×X test scene: an intensity image of round nuclei with
// noise-free shading, and their instance labels (1, 2, ...).
func blobs(z, y, x int) (img, labels []float32) {
	centres := [][3]float64{{0.5, 0.3, 0.3}, {0.5, 0.35, 0.65}, {0.4, 0.7, 0.45}, {0.6, 0.72, 0.8}}
	img, labels = make([]float32, z*y*x), make([]float32, z*y*x)
	r := 0.16 * float64(min(y, x))
	for k := 0; k < z; k++ {
		for i := 0; i < y; i++ {
			for j := 0; j < x; j++ {
				v := float32(10 + (i*7+j*3)%5)
				for l, c := range centres {
					dz := (float64(k) - c[0]*float64(z)) * float64(max(1, 2*y/max(1, 4*z)))
					if z == 1 {
						dz = 0
					}
					d := math.Sqrt(dz*dz + math.Pow(float64(i)-c[1]*float64(y), 2) + math.Pow(float64(j)-c[2]*float64(x), 2))
					if d < r {
						v += float32(100 * (1 - d/r/2))
						labels[(k*y+i)*x+j] = float32(l + 1)
					}
				}
				img[(k*y+i)*x+j] = v
			}
		}
	}
	return img, labels
}

// binary maps instance labels to a 0/1 mask.
func binary(l []float32) []float32 {
	out := make([]float32, len(l))
	for i, v := range l {
		if v > 0 {
			out[i] = 1
		}
	}
	return out
}

// shifted returns a mask moved right by d pixels along X (a prediction with errors).
func shifted(m []float32, x, d int) []float32 {
	out := make([]float32, len(m))
	for i := range m {
		if i%x >= d {
			out[i] = m[i-d]
		}
	}
	return out
}

// saveGallery writes a figure to $PLOT_GALLERY/name.png when that is set (to
// look at every kind of figure).
func saveGallery(t *testing.T, name string, f *Figure) {
	t.Helper()
	if f.Err() != nil {
		t.Fatalf("%s: %v", name, f.Err())
	}
	if dir := os.Getenv("PLOT_GALLERY"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name+".png"), f.PNG(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestGallery renders every kind of image figure and checks its geometry: the
// picture keeps the data's (physical) aspect, and the figure holds the panels.
func TestGallery(t *testing.T) {
	img2, lab2 := blobs(1, 96, 128)
	mask2 := binary(lab2)
	pred2 := shifted(mask2, 128, 3)
	img3, lab3 := blobs(16, 64, 64)
	img3z, _ := blobs(32, 64, 64)
	rgb := make([]float32, 3*96*128)
	copy(rgb, img2)
	for i, v := range mask2 {
		rgb[96*128+i] = 50 * v
		rgb[2*96*128+i] = img2[i] / 2
	}
	tests := []struct {
		name   string
		panels []Panel
		aspect float64 // width / height of the first picture
		fitted bool    // too wide at full size: shrunk to 85–100 % of maxWidth
	}{
		{"row", []Panel{
			{Title: "input", Data: img2, Shape: []int{1, 96, 128}, ColorBar: true},
			{Title: "target", Data: mask2, Shape: []int{1, 96, 128}},
			{Title: "prediction", Data: pred2, Shape: []int{1, 96, 128}},
		}, 128.0 / 96, false},
		{"shared", []Panel{
			{Title: "target", Data: img2, Shape: []int{96, 128}, Group: "out", ColorBar: true},
			{Title: "prediction (dimmer)", Data: scaled(img2, 0.6), Shape: []int{96, 128}, Group: "out", ColorBar: true},
		}, 128.0 / 96, false},
		{"instances", []Panel{{Title: "instances", Data: lab2, Shape: []int{96, 128}}}, 128.0 / 96, false},
		{"overlay", []Panel{
			{Title: "prediction on input", Data: img2, Shape: []int{96, 128}, Outline: pred2},
			{Title: "errors vs target", Data: img2, Shape: []int{96, 128}, Outline: pred2, Truth: mask2},
		}, 128.0 / 96, false},
		{"physical", []Panel{{Title: "0.4 × 0.2 µm pixels", Data: img2, Shape: []int{96, 128}, PixelSize: []float64{0.4, 0.2}}}, 128 * 0.2 / (96 * 0.4), false},
		{"ortho", []Panel{
			{Title: "3D orthogonal", Data: img3, Shape: []int{1, 16, 64, 64}, View: ViewOrtho, PixelSize: []float64{1, 0.25, 0.25}},
			{Title: "labels", Data: lab3, Shape: []int{1, 16, 64, 64}, View: ViewOrtho, PixelSize: []float64{1, 0.25, 0.25}},
			{Title: "max projection", Data: img3, Shape: []int{1, 16, 64, 64}, View: ViewMIP},
		}, (64 + 16*4) / (64 + 16*4.0), false},
		{"rgb", []Panel{{Title: "RGB", Data: rgb, Shape: []int{3, 96, 128}}}, 128.0 / 96, false},
		{"wide", []Panel{ // too wide at full size: shrunk to maxWidth
			{Title: "input", Data: img2, Shape: []int{96, 128}},
			{Title: "labels", Data: lab2, Shape: []int{96, 128}},
			{Title: "entropy", Data: img2, Shape: []int{96, 128}, ColorBar: true},
			{Title: "mutual information", Data: img2, Shape: []int{96, 128}, ColorBar: true},
			{Title: "outline on input (magenta extra, green missed)", Data: img2, Shape: []int{96, 128}, Outline: pred2, Truth: mask2},
		}, 128.0 / 96, true},
		{"ortho_row", []Panel{ // 3 × 3 views and 2 colour bars: 990 pixels at full size
			{Title: "noisy", Data: img3z, Shape: []int{1, 32, 64, 64}, View: ViewOrtho},
			{Title: "restored", Data: img3z, Shape: []int{1, 32, 64, 64}, View: ViewOrtho, ColorBar: true},
			{Title: "clean", Data: img3z, Shape: []int{1, 32, 64, 64}, View: ViewOrtho, ColorBar: true},
		}, 1, true},
		{"many", []Panel{ // too many to fit even at minPanelSide
			{Data: img2, Shape: []int{96, 128}}, {Data: img2, Shape: []int{96, 128}}, {Data: img2, Shape: []int{96, 128}},
			{Data: img2, Shape: []int{96, 128}}, {Data: img2, Shape: []int{96, 128}}, {Data: img2, Shape: []int{96, 128}},
			{Data: img2, Shape: []int{96, 128}}, {Data: img2, Shape: []int{96, 128}}, {Data: img2, Shape: []int{96, 128}},
		}, 128.0 / 96, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := Images(tc.panels...)
			saveGallery(t, "images_"+tc.name, f)
			im, err := f.Image()
			if err != nil {
				t.Fatal(err)
			}
			shown := layoutOf(t, tc.panels)
			sp := shown[0]
			if got := float64(sp.w) / float64(sp.h); math.Abs(got-tc.aspect) > 0.03 {
				t.Errorf("picture %d×%d: aspect %.3f, want %.3f", sp.w, sp.h, got, tc.aspect)
			}
			W := gap
			for _, sp := range shown {
				W += sp.width() + gap
			}
			if b := im.Bounds(); b.Dx() != W {
				t.Errorf("figure %d pixels wide, want %d for %d panels", b.Dx(), W, len(tc.panels))
			}
			if tc.fitted && (W > maxWidth || W < maxWidth*85/100) {
				t.Errorf("figure %d pixels wide, want %d–%d", W, maxWidth*85/100, maxWidth)
			}
			for _, sp := range shown {
				long := max(sp.w, sp.h)
				if W > maxWidth && long != minPanelSide {
					t.Errorf("figure %d pixels wide (> %d) with a panel of %d×%d, not shrunk to %d", W, maxWidth, sp.w, sp.h, minPanelSide)
				}
				if long < minPanelSide || long > 2*panelSide {
					t.Errorf("panel %q drawn %d×%d", sp.p.Title, sp.w, sp.h)
				}
			}
		})
	}
}

// layoutOf sizes panels as Images does.
func layoutOf(t *testing.T, panels []Panel) []*shownPanel {
	t.Helper()
	shown, err := prepare(panels)
	if err != nil {
		t.Fatal(err)
	}
	return shown
}

// scaled multiplies values by f.
func scaled(v []float32, f float32) []float32 {
	out := make([]float32, len(v))
	for i, a := range v {
		out[i] = a * f
	}
	return out
}
