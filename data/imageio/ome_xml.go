package imageio

import (
	"encoding/xml"
	"fmt"
	"strings"
)

// omeXML is the part of an OME-XML document imageio reads and writes.
type omeXML struct {
	XMLName xml.Name   `xml:"OME"`
	Images  []omeImage `xml:"Image"`
}

type omeImage struct {
	ID     string    `xml:"ID,attr"`
	Name   string    `xml:"Name,attr,omitempty"`
	Pixels omePixels `xml:"Pixels"`
}

type omePixels struct {
	ID                string        `xml:"ID,attr"`
	DimensionOrder    string        `xml:"DimensionOrder,attr"`
	Type              string        `xml:"Type,attr"`
	SizeX             int           `xml:"SizeX,attr"`
	SizeY             int           `xml:"SizeY,attr"`
	SizeZ             int           `xml:"SizeZ,attr"`
	SizeC             int           `xml:"SizeC,attr"`
	SizeT             int           `xml:"SizeT,attr"`
	PhysicalSizeX     float64       `xml:"PhysicalSizeX,attr,omitempty"`
	PhysicalSizeXUnit string        `xml:"PhysicalSizeXUnit,attr,omitempty"`
	PhysicalSizeY     float64       `xml:"PhysicalSizeY,attr,omitempty"`
	PhysicalSizeYUnit string        `xml:"PhysicalSizeYUnit,attr,omitempty"`
	PhysicalSizeZ     float64       `xml:"PhysicalSizeZ,attr,omitempty"`
	PhysicalSizeZUnit string        `xml:"PhysicalSizeZUnit,attr,omitempty"`
	BigEndian         string        `xml:"BigEndian,attr,omitempty"`
	Interleaved       string        `xml:"Interleaved,attr,omitempty"`
	Channels          []omeChannel  `xml:"Channel"`
	TiffData          []omeTiffData `xml:"TiffData"`
}

type omeChannel struct {
	ID              string `xml:"ID,attr"`
	Name            string `xml:"Name,attr,omitempty"`
	SamplesPerPixel int    `xml:"SamplesPerPixel,attr,omitempty"`
}

type omeTiffData struct {
	IFD        *int `xml:"IFD,attr"`
	FirstZ     *int `xml:"FirstZ,attr"`
	FirstC     *int `xml:"FirstC,attr"`
	FirstT     *int `xml:"FirstT,attr"`
	PlaneCount *int `xml:"PlaneCount,attr"`
	UUID       *struct {
		FileName string `xml:"FileName,attr"`
	} `xml:"UUID"`
}

// omeTypes maps OME pixel types to dtypes.
var omeTypes = map[string]DType{
	"uint8": Uint8, "uint16": Uint16, "uint32": Uint32, "int8": Int8, "int16": Int16, "int32": Int32,
	"float": Float32, "double": Float64,
}

// parseOME parses an OME-XML ImageDescription and returns its first image.
func parseOME(desc string) (*omeImage, error) {
	var doc omeXML
	if err := xml.Unmarshal([]byte(desc), &doc); err != nil {
		return nil, fmt.Errorf("OME-XML: %w", err)
	}
	if len(doc.Images) == 0 {
		return nil, fmt.Errorf("OME-XML has no Image element")
	}
	img := &doc.Images[0]
	px := &img.Pixels
	if len(px.DimensionOrder) != 5 || !isPermutation(px.DimensionOrder, "XYZCT") || px.DimensionOrder[:2] != "XY" {
		return nil, fmt.Errorf("OME-XML: DimensionOrder %q is not XY followed by Z, C, T", px.DimensionOrder)
	}
	for _, s := range []struct {
		name string
		v    *int
	}{{"SizeZ", &px.SizeZ}, {"SizeC", &px.SizeC}, {"SizeT", &px.SizeT}} {
		if *s.v == 0 {
			*s.v = 1
		}
		if *s.v < 0 || *s.v > 1<<24 {
			return nil, fmt.Errorf("OME-XML: %s=%d is not supported", s.name, *s.v)
		}
	}
	return img, nil
}

func isPermutation(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(b); i++ {
		if strings.Count(a, b[i:i+1]) != 1 {
			return false
		}
	}
	return true
}

// omeUnit returns the unit of a physical size, µm when a size is given without one.
func omeUnit(size float64, unit string) string {
	if unit == "" && size > 0 {
		return "µm"
	}
	return unit
}
