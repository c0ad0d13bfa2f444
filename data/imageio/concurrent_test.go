package imageio

import (
	"path/filepath"
	"reflect"
	"sync"
	"testing"
)

// TestConcurrentReads reads different planes of one opened image from many
// goroutines and compares with sequential reads.
func TestConcurrentReads(t *testing.T) {
	for _, name := range []string{"ome_5d.ome.tif", "bigtiff_tiles.tif", "c_u16.npy", "rgb8.png"} {
		img, err := Open(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		m := img.Meta()
		var sels []Selection
		for tt := 0; tt < m.Shape[0]; tt++ {
			for c := 0; c < m.Shape[1]; c++ {
				for z := 0; z < m.Shape[2]; z++ {
					sels = append(sels, Selection{Dims: "YX", T: At(tt), C: At(c), Z: At(z)})
				}
			}
		}
		want := make([]*Array, len(sels))
		for i, s := range sels {
			if want[i], err = img.Read(s); err != nil {
				t.Fatal(err)
			}
		}
		got := make([]*Array, len(sels))
		errs := make([]error, len(sels))
		var wg sync.WaitGroup
		for i := range sels {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got[i], errs[i] = img.Read(sels[i])
			}()
		}
		wg.Wait()
		for i := range sels {
			if errs[i] != nil || !reflect.DeepEqual(got[i].Data, want[i].Data) {
				t.Errorf("%s %+v: concurrent read differs (err %v)", name, sels[i], errs[i])
			}
		}
		img.Close()
	}
}
