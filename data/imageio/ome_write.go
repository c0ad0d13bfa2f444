package imageio

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
)

// omeTypeNames maps dtypes to OME pixel types.
var omeTypeNames = map[DType]string{
	Uint8: "uint8", Uint16: "uint16", Uint32: "uint32", Int8: "int8", Int16: "int16", Int32: "int32",
	Float32: "float", Float64: "double",
}

// buildOME writes the OME-XML for one image of TCZYX sizes stored as pages in
// XYZCT order starting at IFD 0.
func buildOME(shape [5]int, dt DType, meta WriteMeta) string {
	var b bytes.Buffer
	attr := func(name, value string) {
		b.WriteString(" ")
		b.WriteString(name)
		b.WriteString(`="`)
		xml.EscapeText(&b, []byte(value))
		b.WriteString(`"`)
	}
	num := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06"`)
	attr("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance")
	attr("xsi:schemaLocation", "http://www.openmicroscopy.org/Schemas/OME/2016-06 http://www.openmicroscopy.org/Schemas/OME/2016-06/ome.xsd")
	attr("Creator", "im2im")
	b.WriteString(">\n  <Image")
	attr("ID", "Image:0")
	if meta.Name != "" {
		attr("Name", meta.Name)
	}
	b.WriteString(">\n    <Pixels")
	attr("ID", "Pixels:0")
	attr("DimensionOrder", "XYZCT")
	attr("Type", omeTypeNames[dt])
	for i, n := range []string{"SizeT", "SizeC", "SizeZ", "SizeY", "SizeX"} {
		attr(n, strconv.Itoa(shape[i]))
	}
	ps := meta.PhysicalSize
	for _, p := range []struct {
		axis string
		v    float64
		unit string
	}{{"X", ps.X, ps.XUnit}, {"Y", ps.Y, ps.YUnit}, {"Z", ps.Z, ps.ZUnit}} {
		if p.v > 0 {
			attr("PhysicalSize"+p.axis, num(p.v))
			unit := p.unit
			if unit == "" {
				unit = "µm"
			}
			attr("PhysicalSize"+p.axis+"Unit", unit)
		}
	}
	attr("BigEndian", "false")
	attr("Interleaved", "false")
	b.WriteString(">\n")
	for c := 0; c < shape[1]; c++ {
		b.WriteString("      <Channel")
		attr("ID", fmt.Sprintf("Channel:0:%d", c))
		if c < len(meta.ChannelNames) && meta.ChannelNames[c] != "" {
			attr("Name", meta.ChannelNames[c])
		}
		attr("SamplesPerPixel", "1")
		b.WriteString(" />\n")
	}
	b.WriteString("      <TiffData")
	attr("IFD", "0")
	attr("PlaneCount", strconv.Itoa(shape[0]*shape[1]*shape[2]))
	b.WriteString(" />\n    </Pixels>\n  </Image>\n</OME>")
	return b.String()
}
