package imageio_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/im2im/im2im/data/imageio"
)

// Open reads only an image's metadata; Read then decodes the part asked for.
// Here a small 2-channel, 3-slice uint16 OME-TIFF is written first.
func ExampleOpen() {
	dir, err := os.MkdirTemp("", "imageio-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "cells.ome.tif")
	data := make([]uint16, 2*3*4*5)
	for i := range data {
		data[i] = uint16(i)
	}
	a, err := imageio.ArrayOf(data, "CZYX", 2, 3, 4, 5)
	if err != nil {
		log.Fatal(err)
	}
	meta := imageio.WriteMeta{ChannelNames: []string{"DNA", "membrane"}, PhysicalSize: imageio.PhysicalSize{X: 0.2, Y: 0.2, Z: 0.5}}
	if err := imageio.Write(path, a, meta, imageio.WriteOptions{}); err != nil {
		log.Fatal(err)
	}

	img, err := imageio.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer img.Close()
	m := img.Meta()
	fmt.Println("format:", m.Format)
	fmt.Println("dims:", m.Dims, "shape:", m.Shape, "dtype:", m.DType)
	fmt.Println("channels:", m.ChannelNames)
	fmt.Printf("voxel: %g×%g×%g %s\n", m.PhysicalSize.Z, m.PhysicalSize.Y, m.PhysicalSize.X, m.PhysicalSize.XUnit)

	// One YX plane: channel 1 (membrane), slice 2.
	plane, err := img.Read(imageio.Selection{Dims: "YX", C: imageio.At(1), Z: imageio.At(2)})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("plane:", plane.Dims, plane.Shape, plane.DType, "first row:", plane.Data.([]uint16)[:5])
	// Output:
	// format: ome-tiff
	// dims: TCZYX shape: [1 2 3 4 5] dtype: uint16
	// channels: [DNA membrane]
	// voxel: 0.5×0.2×0.2 µm
	// plane: YX [4 5] uint16 first row: [100 101 102 103 104]
}
