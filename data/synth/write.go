package synth

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/im2im/im2im/data/array"
	"github.com/im2im/im2im/data/imageio"
)

// Write generates n samples of kind (seeds o.Seed, o.Seed+1, ...) and writes each
// as an OME-TIFF pair in dir with mmv_im2im's naming, <kind>_<i>_IM.ome.tiff and
// <kind>_<i>_GT.ome.tiff, so dir is directly a "one folder" dataset. Inputs are
// float32; masks and instance labels are uint16. It returns the written paths.
func Write(dir string, kind Kind, n int, o Options) ([]string, error) {
	if _, err := ParseKind(string(kind)); err != nil {
		return nil, err
	}
	if n < 1 {
		return nil, fmt.Errorf("synth: n %d: want at least 1 sample", n)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	var paths []string
	for i := 0; i < n; i++ {
		oi := o
		oi.Seed = o.Seed + uint64(i)
		s, err := Generate(kind, oi)
		if err != nil {
			return paths, err
		}
		for _, role := range []string{"IM", "GT"} {
			p := filepath.Join(dir, fmt.Sprintf("%s_%03d_%s.ome.tiff", kind, i, role))
			labels := role == "GT" && (kind == Semantic || kind == Instance || kind == Unpaired)
			if err := writeArray(p, s.Arrays[role], labels); err != nil {
				return paths, err
			}
			paths = append(paths, p)
		}
	}
	return paths, nil
}

// writeArray writes a channel-first array as OME-TIFF (CYX or CZYX), as uint16
// when labels is set.
func writeArray(path string, a *array.Array, labels bool) error {
	dims := "CYX"
	if a.Rank() == 4 {
		dims = "CZYX"
	}
	img, err := imageio.FromFloat32(a.Data, dims, a.Shape...)
	if err != nil {
		return fmt.Errorf("synth: %s: %w", path, err)
	}
	opts := imageio.WriteOptions{Compression: "deflate"}
	if labels {
		if img, err = img.AsType(imageio.Uint16); err != nil {
			return fmt.Errorf("synth: %s: %w", path, err)
		}
		opts.Predictor = true
	}
	if err := imageio.WriteOMETIFF(path, img, imageio.WriteMeta{Name: filepath.Base(path)}, opts); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	return nil
}
