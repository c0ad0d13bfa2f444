package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/im2im/im2im/data/imageio"
)

// newImageCmd builds `im2im image` with its info and convert subcommands.
func newImageCmd() *cobra.Command {
	cmd := commandGroup(&cobra.Command{
		Use:   "image",
		Short: "Inspect and convert images (TIFF/OME-TIFF/ImageJ, NPY, PNG)",
	})
	cmd.AddCommand(&cobra.Command{
		Use:   "info FILE",
		Short: "Print an image's dims, shape, dtype, physical sizes, channel names, compression and pages as JSON",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			img, err := imageio.Open(args[0])
			if err != nil {
				return badInput(err) // missing, unreadable or not an image: the argument is wrong
			}
			defer img.Close()
			b, err := json.MarshalIndent(img.Meta(), "", "  ")
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), string(b))
			return err
		},
	})
	var (
		dims        string
		t, c, z     int
		compression string
		scale, pct  string
	)
	convert := &cobra.Command{
		Use:   "convert IN OUT",
		Short: "Convert an image to the format OUT's extension names (.tif/.tiff OME-TIFF, .npy, .png)",
		Long: `Convert reads IN (any supported format), optionally picks one time point, channel or
Z slice, and writes OUT in the format its extension names. --dims sets the axis order of the
output (default: every axis of size > 1, in TCZYX order, plus YX). PNG needs a YX or CYX result.
NPY files store no axis names (readers name them by rank: X, YX, ZYX, CZYX, TCZYX), so .npy
output takes a TCZYX suffix: the default adds singleton axes as needed (a CYX result is written
as C×1×Y×X), and a --dims that would read back mislabelled (ZCYX, CYX) is refused.

PNG output is made to be looked at (--scale auto): a label image (non-negative integers, at most
64 values) is drawn in colours with 0 black, 8-bit data is kept, and anything else (16-bit, float)
is scaled from its 1st to its 99.8th percentile (--percentiles) to 0–255; the command says which.
--scale none writes the values as they are (8/16-bit integers only).`,
		Args: exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ps, err := parsePNGScale(scale, pct)
			if err != nil {
				return err
			}
			note, err := convertImage(args[0], args[1], dims, t, c, z, compression, ps)
			if note != "" {
				fmt.Fprintf(cmd.ErrOrStderr(), "%s: %s\n", args[1], note)
			}
			return err
		},
	}
	convert.Flags().StringVar(&dims, "dims", "", "output axis order, e.g. ZYX or CZYX (default: non-singleton axes)")
	convert.Flags().IntVar(&t, "T", -1, "time point to keep (-1: all)")
	convert.Flags().IntVar(&c, "C", -1, "channel to keep (-1: all)")
	convert.Flags().IntVar(&z, "Z", -1, "Z slice to keep (-1: all)")
	convert.Flags().StringVar(&compression, "compression", "deflate", "TIFF output compression: deflate, zstd or none")
	convert.Flags().StringVar(&scale, "scale", "auto", "PNG values: auto, labels (colours), percentile (scaled to 0–255) or none (as they are)")
	convert.Flags().StringVar(&pct, "percentiles", "1,99.8", "PNG scaling range LOW,HIGH in percent (--scale auto or percentile)")
	cmd.AddCommand(convert)
	return cmd
}

// checkConvertDims checks --dims against the image's extents after the T/C/Z
// picks (sizes, TCZYX) and says in the command's terms what to do: axes must be
// letters of TCZYX, once each, and an axis with more than one element left
// out of --dims needs --T/--C/--Z to pick one (Y and X cannot be picked).
func checkConvertDims(in, dims string, sizes [5]int) error {
	seen := [5]bool{}
	for _, d := range dims {
		k := strings.IndexRune("TCZYX", d)
		if k < 0 {
			return fmt.Errorf("--dims %s: %q is not one of T, C, Z, Y, X", dims, d)
		}
		if seen[k] {
			return fmt.Errorf("--dims %s repeats %c", dims, d)
		}
		seen[k] = true
	}
	var problems []string
	for k, d := range "TCZYX" {
		if seen[k] || sizes[k] == 1 {
			continue
		}
		if d == 'Y' || d == 'X' {
			problems = append(problems, fmt.Sprintf("--dims %s leaves out %c, which has %d elements in %s; add %c to --dims", dims, d, sizes[k], in, d))
			continue
		}
		problems = append(problems, fmt.Sprintf("--dims %s leaves out %c, which has %d elements in %s; pick one with --%c 0 (0..%d) or add %c to --dims",
			dims, d, sizes[k], in, d, sizes[k]-1, d))
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// npyDims returns the axis order that holds the axes of dims and reads back
// from a .npy file under the same names: the suffix of TCZYX starting at the
// outermost axis of dims (so CYX becomes CZYX, ZCYX becomes TCZYX's CZYX...).
// The added axes have one element when dims passed checkConvertDims.
func npyDims(dims string) string {
	first := 4
	for _, d := range dims {
		first = min(first, strings.IndexRune("TCZYX", d))
	}
	return "TCZYX"[first:]
}

// convertImage reads in (with the optional T/C/Z picks) and writes out; for a
// PNG it returns a note saying how values became colours.
func convertImage(in, out, dims string, t, c, z int, compression string, ps pngScale) (string, error) {
	err := convertImageTo(in, out, dims, t, c, z, compression, &ps)
	return ps.note, err
}

// convertImageTo is convertImage; it records the PNG note in ps.
func convertImageTo(in, out, dims string, t, c, z int, compression string, ps *pngScale) error {
	switch strings.ToLower(compression) {
	case "deflate", "zlib", "zstd", "none":
	default:
		return badf("--compression %q: want deflate, zstd or none", compression)
	}
	switch ext := strings.ToLower(filepath.Ext(out)); ext {
	case ".tif", ".tiff", ".npy", ".png":
	default:
		return badf("%s: unknown extension %q (want .tif, .tiff, .npy or .png)", out, ext)
	}
	img, err := imageio.Open(in)
	if err != nil {
		return badInput(err) // missing, unreadable or not an image: the argument is wrong
	}
	defer img.Close()
	m := img.Meta()
	sel := imageio.Selection{Dims: strings.ToUpper(dims)}
	for _, p := range []struct {
		name string
		v    int
		span *imageio.Span
		size int
	}{{"T", t, &sel.T, m.Shape[0]}, {"C", c, &sel.C, m.Shape[1]}, {"Z", z, &sel.Z, m.Shape[2]}} {
		if p.v < 0 {
			continue
		}
		if p.v >= p.size {
			return badf("--%s %d: %s has %d elements (0..%d)", p.name, p.v, in, p.size, p.size-1)
		}
		*p.span = imageio.At(p.v)
	}
	sizes := [5]int{m.Shape[0], m.Shape[1], m.Shape[2], m.Shape[3], m.Shape[4]}
	for i, v := range []int{t, c, z} {
		if v >= 0 {
			sizes[i] = 1
		}
	}
	npy := strings.EqualFold(filepath.Ext(out), ".npy")
	if sel.Dims != "" {
		if err := checkConvertDims(in, sel.Dims, sizes); err != nil {
			return badInput(err)
		}
		// NPY stores no axis names: readers name the axes by rank (X, YX,
		// ZYX, CZYX, TCZYX), so any other order would read back mislabelled.
		if want := npyDims(sel.Dims); npy && sel.Dims != want {
			return badf("--dims %s: a .npy file stores no axis names and a %d-axis one reads back as %s; use --dims %s (the same axes in TCZYX order, singleton axes added where needed), or a .tif output, which keeps any order",
				sel.Dims, len(sel.Dims), "TCZYX"[5-len(sel.Dims):], want)
		}
	} else {
		for i, d := range "TCZYX" {
			if sizes[i] > 1 || d == 'Y' || d == 'X' {
				sel.Dims += string(d)
			}
		}
		if npy {
			sel.Dims = npyDims(sel.Dims)
		}
	}
	a, err := img.Read(sel)
	if err != nil {
		return badInput(err) // damaged pixel data: the file is wrong (the error names it)
	}
	meta := imageio.WriteMeta{PhysicalSize: m.PhysicalSize, ChannelNames: m.ChannelNames}
	if c >= 0 {
		meta.ChannelNames = nil
		if c < len(m.ChannelNames) {
			meta.ChannelNames = []string{m.ChannelNames[c]}
		}
	}
	if strings.EqualFold(filepath.Ext(out), ".png") && a.Len() > 0 {
		if a, ps.note, err = ps.viewable(a); err != nil {
			return badf("%s: %w", in, err)
		}
	}
	if err := imageio.Write(out, a, meta, imageio.WriteOptions{Compression: compression}); err != nil {
		return badIfPath(err)
	}
	return nil
}
