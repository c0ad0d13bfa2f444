package bench

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/im2im/im2im/data/imageio"
	"github.com/im2im/im2im/data/synth"
)

// Denoise3DData is the prepared data of `bench ttd3d`.
type Denoise3DData struct {
	// NoisyPSNR is the mean PSNR of the noisy validation volumes against the
	// clean ones, the base of the targets.
	NoisyPSNR float64
}

// PrepareDenoise3DData writes the task's volumes once (kept when present):
// synthetic noisy/clean pairs (data/synth kind denoise, as im2im.Synth writes
// them for the notebook) as OME-TIFF in TrainDir and ValDir for our side, and
// the same float32 values read back from those files as [N, Z, Y, X] stacks
// train_im.npy, train_gt.npy, val_im.npy, val_gt.npy in DataDir for PyTorch's.
func PrepareDenoise3DData(w io.Writer, o Denoise3DOptions) (Denoise3DData, error) {
	var d Denoise3DData
	splits := []struct {
		name, dir string
		n, seed   int
	}{{"train", o.TrainDir(), o.Train, o.DataSeed}, {"val", o.ValDir(), o.Val, o.DataSeed + 100000}}
	for _, s := range splits {
		npyIM := filepath.Join(o.DataDir(), s.name+"_im.npy")
		npyGT := filepath.Join(o.DataDir(), s.name+"_gt.npy")
		_, errIM := os.Stat(npyIM)
		_, errGT := os.Stat(npyGT)
		if errIM != nil || errGT != nil {
			if _, err := synth.Write(s.dir, synth.Denoise, s.n, synth.Options{Shape: o.Volume, Seed: uint64(s.seed)}); err != nil {
				return d, err
			}
			fmt.Fprintf(w, "wrote %d noisy/clean %v volumes to %s (seed %d)\n", s.n, o.Volume, s.dir, s.seed)
		}
		im, err := stackVolumes(s.dir, "IM", s.n, o.Volume)
		if err != nil {
			return d, err
		}
		gt, err := stackVolumes(s.dir, "GT", s.n, o.Volume)
		if err != nil {
			return d, err
		}
		if errIM != nil || errGT != nil {
			if err := writeStack(npyIM, im, s.n, o.Volume); err != nil {
				return d, err
			}
			if err := writeStack(npyGT, gt, s.n, o.Volume); err != nil {
				return d, err
			}
		}
		if s.name == "val" {
			d.NoisyPSNR = MeanPSNR(im, gt, s.n)
		}
	}
	return d, nil
}

// stackVolumes reads volumes 0..n-1 of role (IM or GT) from dir as one
// float32 slice [n, Z, Y, X].
func stackVolumes(dir, role string, n int, volume []int) ([]float32, error) {
	per := volume[0] * volume[1] * volume[2]
	out := make([]float32, 0, n*per)
	for i := range n {
		p := filepath.Join(dir, fmt.Sprintf("%s_%03d_%s.ome.tiff", synth.Denoise, i, role))
		v, shape, _, err := imageio.ReadFloat32(p, imageio.Selection{Dims: "ZYX"})
		if err != nil {
			return nil, err
		}
		if len(v) != per {
			return nil, fmt.Errorf("%s: shape %v, want %v (remove %s to regenerate)", p, shape, volume, dir)
		}
		out = append(out, v...)
	}
	return out, nil
}

// writeStack writes v [n, Z, Y, X] as an NPY file.
func writeStack(path string, v []float32, n int, volume []int) error {
	a, err := imageio.FromFloat32(v, "TZYX", n, volume[0], volume[1], volume[2])
	if err != nil {
		return err
	}
	return imageio.WriteNPY(path, a)
}

// MeanPSNR is the mean over the n samples of pred and target (equal-sized
// slices of n samples each) of 10·log10(R²/MSE) with R the target sample's
// max − min: ml/metric.PSNR's definition, in float64.
func MeanPSNR(pred, target []float32, n int) float64 {
	per := len(target) / n
	sum := 0.0
	for s := range n {
		p, t := pred[s*per:(s+1)*per], target[s*per:(s+1)*per]
		lo, hi, se := math.Inf(1), math.Inf(-1), 0.0
		for i, v := range t {
			lo, hi = min(lo, float64(v)), max(hi, float64(v))
			e := float64(p[i]) - float64(v)
			se += e * e
		}
		mse := max(se/float64(per), 1e-20)
		sum += 10 * math.Log10((hi-lo)*(hi-lo)/mse)
	}
	return sum / float64(n)
}
