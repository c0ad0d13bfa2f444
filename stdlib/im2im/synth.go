package im2im

import (
	"fmt"

	"github.com/im2im/im2im/data/synth"
)

// Synth writes n synthetic pairs of a kind (semantic, instance, denoise,
// deblur, labelfree, stain, unpaired; see `im2im data synth --help`) to dir as
// <kind>_<i>_IM.ome.tiff and _GT.ome.tiff, pair i from seed+i, each image of
// size (Y, X or Z, Y, X): a dataset folder ready for Data.Path. It returns the
// written paths.
func Synth(kind, dir string, n, seed int, size ...int) ([]string, error) {
	k, err := synth.ParseKind(kind)
	if err != nil {
		return nil, err
	}
	if seed < 0 {
		return nil, fmt.Errorf("synth: seed %d must not be negative", seed)
	}
	return synth.Write(dir, k, n, synth.Options{Shape: size, Seed: uint64(seed)})
}
