package synth

import (
	"fmt"
	"sort"

	"github.com/im2im/im2im/data/array"
)

// Kind names a kind of synthetic pair, as used by `im2im data synth --kind`.
type Kind string

// The kinds of sample Generate makes. Each sample has IM (input) and GT (target).
const (
	// Semantic: fluorescence-like nuclei (mildly noisy) → binary mask.
	Semantic Kind = "semantic"
	// Instance: fluorescence-like nuclei (mildly noisy) → instance labels.
	Instance Kind = "instance"
	// Denoise: noisy image → clean image.
	Denoise Kind = "denoise"
	// Deblur: blurred image → sharp image.
	Deblur Kind = "deblur"
	// LabelFree: bright-field-like image → fluorescence-like image.
	LabelFree Kind = "labelfree"
	// Stain: fluorescence-like nuclei image → RGB H&E-like rendering (stain
	// transfer, for pix2pix).
	Stain Kind = "stain"
	// Unpaired: a nuclei image and the mask of another scene (unmatched
	// objects), for CycleGAN's unpaired data (category unpair).
	Unpaired Kind = "unpaired"
)

// unpairedSeed offsets the scene of an unpaired sample's mask from its image's.
const unpairedSeed = 1 << 40

var kinds = map[Kind]string{
	Semantic:  "nuclei image → semantic mask (0/1)",
	Instance:  "nuclei image → instance labels (touching nuclei)",
	Denoise:   "noisy image (Poisson+Gaussian) → clean image",
	Deblur:    "blurred image → sharp image",
	LabelFree: "bright-field-like image → fluorescence-like image",
	Stain:     "fluorescence-like nuclei image → RGB H&E-like rendering (3 channels)",
	Unpaired:  "nuclei image (IM) and the mask of another scene (GT): unpaired domains",
}

// Kinds lists the kinds with a one-line description each, sorted by name.
func Kinds() []string {
	out := make([]string, 0, len(kinds))
	for k, d := range kinds {
		out = append(out, string(k)+": "+d)
	}
	sort.Strings(out)
	return out
}

// ParseKind checks a kind name.
func ParseKind(s string) (Kind, error) {
	if _, ok := kinds[Kind(s)]; ok {
		return Kind(s), nil
	}
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, string(k))
	}
	sort.Strings(names)
	return "", fmt.Errorf("synth: unknown kind %q (want one of %v)", s, names)
}

// Generate makes one sample of the given kind with arrays IM and GT, each
// 1×[Z]×Y×X. The sample ID is "synth_<kind>_<seed>".
func Generate(kind Kind, o Options) (*array.Sample, error) {
	s := array.NewSample(fmt.Sprintf("synth_%s_%d", kind, o.Seed))
	switch kind {
	case Semantic, Instance:
		nu, err := GenerateNuclei(o)
		if err != nil {
			return nil, err
		}
		s.Arrays["IM"] = addNoise(nu.Image, Noise{Photons: 200, ReadSigma: 0.02}, o.Seed, 7)
		if kind == Semantic {
			s.Arrays["GT"] = nu.Mask
		} else {
			s.Arrays["GT"] = nu.Labels
		}
	case Denoise:
		in, gt, err := NoisyClean(o, Noise{})
		if err != nil {
			return nil, err
		}
		s.Arrays["IM"], s.Arrays["GT"] = in, gt
	case Deblur:
		in, gt, err := BlurredSharp(o, 0)
		if err != nil {
			return nil, err
		}
		s.Arrays["IM"], s.Arrays["GT"] = in, gt
	case LabelFree:
		in, gt, err := BrightfieldFluorescence(o)
		if err != nil {
			return nil, err
		}
		s.Arrays["IM"], s.Arrays["GT"] = in, gt
	case Unpaired:
		nu, err := GenerateNuclei(o)
		if err != nil {
			return nil, err
		}
		other := o
		other.Seed = o.Seed + unpairedSeed
		masks, err := GenerateNuclei(other)
		if err != nil {
			return nil, err
		}
		s.Arrays["IM"] = addNoise(nu.Image, Noise{Photons: 200, ReadSigma: 0.02}, o.Seed, 7)
		s.Arrays["GT"] = masks.Mask
	case Stain:
		in, gt, err := FluorescenceStain(o)
		if err != nil {
			return nil, err
		}
		s.Arrays["IM"], s.Arrays["GT"] = in, gt
	default:
		_, err := ParseKind(string(kind))
		return nil, err
	}
	return s, nil
}
