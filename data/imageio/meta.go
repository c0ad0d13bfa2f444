package imageio

// PhysicalSize is the size of one voxel along X, Y and Z; 0 means unknown.
// Units are as stored in the file ("µm", "nm", ...; "" when not given).
type PhysicalSize struct {
	X     float64 `json:"x,omitempty"`
	Y     float64 `json:"y,omitempty"`
	Z     float64 `json:"z,omitempty"`
	XUnit string  `json:"x_unit,omitempty"`
	YUnit string  `json:"y_unit,omitempty"`
	ZUnit string  `json:"z_unit,omitempty"`
}

// Meta describes an opened image. Every image is seen as 5D TCZYX: Shape holds
// the sizes of T, C, Z, Y and X in that order (samples of RGB pixels count as
// channels; a plain multi-page TIFF is a Z stack).
type Meta struct {
	Path         string       `json:"path"`
	Format       string       `json:"format"` // "ome-tiff", "imagej-tiff", "tiff", "npy", "png"
	Dims         string       `json:"dims"`   // always "TCZYX"
	Shape        [5]int       `json:"shape"`
	DType        DType        `json:"dtype"`
	PhysicalSize PhysicalSize `json:"physical_size"`
	ChannelNames []string     `json:"channel_names,omitempty"`
	Compression  string       `json:"compression,omitempty"` // of the first page (TIFF only)
	Pages        int          `json:"pages,omitempty"`       // TIFF IFDs in the image series
	BigTIFF      bool         `json:"bigtiff,omitempty"`
	ByteOrder    string       `json:"byte_order,omitempty"` // "little" or "big"
	Tiled        bool         `json:"tiled,omitempty"`
}

// Size returns the extent of axis d (one of "TCZYX").
func (m Meta) Size(d byte) int {
	switch d {
	case 'T':
		return m.Shape[0]
	case 'C':
		return m.Shape[1]
	case 'Z':
		return m.Shape[2]
	case 'Y':
		return m.Shape[3]
	case 'X':
		return m.Shape[4]
	}
	return 1
}
