package transform

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/im2im/im2im/data/array"
)

// FuzzNew feeds arbitrary names and JSON parameter maps to New: it must return a
// transform or an error, never panic, and a transform it returns must run on a
// small sample without panicking.
func FuzzNew(f *testing.F) {
	f.Add("rand_flip", `{"prob":0.5,"spatial_axis":[0,1]}`)
	f.Add("rand_crop_samples", `{"size":"4,4","num_samples":2,"pos_fraction":0.5}`)
	f.Add("pad", `{"size":[9,9],"mode":"reflect"}`)
	f.Add("normalize_percentile", `{"lower":1,"upper":99.8,"clip":true}`)
	f.Add("rand_elastic", `{"sigma":2,"magnitude":1}`)
	f.Add("divisible_pad", `{"k":0}`)
	f.Fuzz(func(t *testing.T, name, params string) {
		var m map[string]any
		if json.Unmarshal([]byte(params), &m) != nil {
			return
		}
		tr, err := New(name, m)
		if err != nil {
			return
		}
		switch p := tr.(type) { // keep the fuzz run's memory small
		case *Pad:
			n := 1
			for _, d := range p.Size {
				n *= max(1, min(d, 1<<20))
			}
			if n > 1<<16 {
				return
			}
		case *DivisiblePad:
			if p.K > 64 {
				return
			}
		}
		s := array.NewSample("fuzz")
		s.Arrays["IM"] = array.New(1, 6, 7)
		s.Arrays["GT"] = array.New(1, 6, 7)
		s.Arrays["GT"].Data[10] = 1
		_, _ = tr.Apply(s, rand.New(rand.NewPCG(1, 2)))
	})
}
