package imageio

import "strings"

// Extensions are the file name endings of the images im2im reads and writes,
// longest first so that the first match is the whole extension (".ome.tif"
// before ".tif"). Matching is case-insensitive (see Stem).
var Extensions = []string{".ome.tiff", ".ome.tif", ".tiff", ".tif", ".npy", ".png"}

// Stem returns name without its image extension (one of Extensions, any case)
// and whether it had one: Stem("a_IM.OME.TIF") is "a_IM", true;
// Stem("notes.txt") is "notes.txt", false.
func Stem(name string) (string, bool) {
	lower := strings.ToLower(name)
	for _, e := range Extensions {
		if strings.HasSuffix(lower, e) {
			return name[:len(name)-len(e)], true
		}
	}
	return name, false
}
