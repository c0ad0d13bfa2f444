package dataset

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/im2im/im2im/data/imageio"
)

// Unpaired subjects hold one image of one domain: A (role IM, the input
// domain) or B (role GT, the target domain). Their IDs are the file stems with
// these prefixes, so an A and a B file of the same name stay two subjects.
const (
	UnpairedA = "A:"
	UnpairedB = "B:"
)

// discoverUnpaired lists the two domains of unpaired data (category unpair):
// IM/ and GT/ subfolders, or X_IM and Y_GT files in one folder. The domains are
// independent sets: names, counts and image sizes need not match. Each file is
// a subject of its own (see UnpairedA); the loader samples and crops each domain
// separately.
func discoverUnpaired(dir string) ([]Subject, error) {
	var a, b []string
	if isDir(filepath.Join(dir, "IM")) {
		for _, tag := range []string{"IM", "GT"} {
			sub := filepath.Join(dir, tag)
			if !isDir(sub) {
				return nil, fmt.Errorf("dataset: %s: unpair data needs a %s/ folder beside IM/", dir, tag)
			}
			names, err := listImages(sub)
			if err != nil {
				return nil, err
			}
			for _, n := range names {
				if tag == "IM" {
					a = append(a, filepath.Join(sub, n))
				} else {
					b = append(b, filepath.Join(sub, n))
				}
			}
		}
	} else {
		names, err := listImages(dir)
		if err != nil {
			return nil, err
		}
		var other []string
		for _, n := range names {
			s, _ := imageio.Stem(n)
			switch {
			case strings.HasSuffix(s, "_IM"):
				a = append(a, filepath.Join(dir, n))
			case strings.HasSuffix(s, "_GT"):
				b = append(b, filepath.Join(dir, n))
			default:
				other = append(other, n)
			}
		}
		if len(other) > 0 {
			return nil, fmt.Errorf("dataset: %s: unpair data is X_IM (domain A) and Y_GT (domain B) files; %d other file(s), e.g. %s", dir, len(other), other[0])
		}
	}
	var errs []error
	if len(a) == 0 {
		errs = append(errs, fmt.Errorf("dataset: %s: unpair data has no domain A images (IM/ folder or X_IM files)", dir))
	}
	if len(b) == 0 {
		errs = append(errs, fmt.Errorf("dataset: %s: unpair data has no domain B images (GT/ folder or Y_GT files)", dir))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	sort.Strings(a)
	sort.Strings(b)
	var out []Subject
	for _, role := range []struct {
		prefix, tag string
		paths       []string
	}{{UnpairedA, "IM", a}, {UnpairedB, "GT", b}} {
		for _, p := range role.paths {
			s, _ := imageio.Stem(filepath.Base(p))
			s = strings.TrimSuffix(strings.TrimSuffix(s, "_IM"), "_GT")
			out = append(out, Subject{ID: role.prefix + s, Files: map[string]string{role.tag: p}})
		}
	}
	return out, nil
}

// splitUnpaired splits each domain on its own, so that validation holds images
// of both.
func splitUnpaired(all []Subject, ratio float64, seed uint64) (train, val []Subject) {
	var a, b []Subject
	for _, s := range all {
		if strings.HasPrefix(s.ID, UnpairedA) {
			a = append(a, s)
		} else {
			b = append(b, s)
		}
	}
	ta, va := split(a, ratio, seed)
	tb, vb := split(b, ratio, seed+1)
	return append(ta, tb...), append(va, vb...)
}

// requireDomains checks unpaired subjects: each holds exactly one image, IM
// (domain A) or GT (domain B), and both domains are there.
func requireDomains(subjects []Subject) error {
	var errs []error
	var na, nb int
	for _, s := range subjects {
		_, im := s.Files["IM"]
		_, gt := s.Files["GT"]
		switch {
		case len(s.Files) == 1 && im:
			na++
		case len(s.Files) == 1 && gt:
			nb++
		default:
			errs = append(errs, fmt.Errorf("dataset: unpair subject %s must hold one image, IM or GT; it has %v", s.ID, sortedRoles(s)))
		}
	}
	if na == 0 || nb == 0 {
		errs = append(errs, fmt.Errorf("dataset: unpair data needs images of both domains; found %d of A (IM) and %d of B (GT)", na, nb))
	}
	return errors.Join(errs...)
}
