package imageio

import (
	"strconv"
	"strings"
)

// imagejMeta is what imageio uses from an ImageJ ImageDescription.
type imagejMeta struct {
	images, channels, slices, frames int
	spacing                          float64
	unit                             string
}

// parseImageJ parses "ImageJ=1.x\nimages=..\nchannels=..\n..." descriptions.
func parseImageJ(desc string) imagejMeta {
	m := imagejMeta{}
	for _, line := range strings.Split(desc, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		if !ok {
			continue
		}
		n, _ := strconv.Atoi(v)
		switch k {
		case "images":
			m.images = n
		case "channels":
			m.channels = n
		case "slices":
			m.slices = n
		case "frames":
			m.frames = n
		case "spacing":
			m.spacing, _ = strconv.ParseFloat(v, 64)
		case "unit":
			m.unit = normalizeUnit(v)
		}
	}
	return m
}

// normalizeUnit maps the spellings of micrometre to "µm".
func normalizeUnit(u string) string {
	switch strings.ToLower(u) {
	case "micron", "microns", "um", `\u00b5m`, "µm", "μm", "micrometer", "micrometre":
		return "µm"
	}
	return u
}
