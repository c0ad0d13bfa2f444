package dataset

import (
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/im2im/im2im/data/imageio"
)

// FileInfo is what Check learned about one file.
type FileInfo struct {
	Path  string
	Shape [5]int // T C Z Y X
	DType string
}

// SubjectInfo holds the file infos of one subject by role.
type SubjectInfo struct {
	ID    string
	Files map[string]FileInfo
}

// Check opens every file's header (no pixel data) with a few goroutines and
// reports every problem at once: unreadable files, files with more than one
// time point (T > 1: training reads single time points, and Load would see
// only the first; split such files, e.g. with `im2im image convert --T n`), a
// Z extent that contradicts the declared dims (2D needs Z = 1, 3D needs
// Z > 1), and arrays of one subject
// whose Z/Y/X shapes differ from IM's (both shapes named). Unpair subjects hold
// one image each, so their sizes are free. dims 0 skips the dims check. The
// error is a *ProblemError.
func Check(subjects []Subject, cat Category, dims int) ([]SubjectInfo, error) {
	infos := make([]SubjectInfo, len(subjects))
	errs := make([][]error, len(subjects))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for i, s := range subjects {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			infos[i], errs[i] = checkSubject(s, cat, dims)
		}()
	}
	wg.Wait()
	var all []error
	for _, e := range errs {
		all = append(all, e...)
	}
	return infos, problem(errors.Join(all...))
}

func checkSubject(s Subject, cat Category, dims int) (SubjectInfo, []error) {
	info := SubjectInfo{ID: s.ID, Files: map[string]FileInfo{}}
	var errs []error
	roles := sortedRoles(s)
	for _, r := range roles {
		p := s.Files[r]
		img, err := imageio.Open(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("dataset: subject %s, %s: unreadable: %w", s.ID, r, err))
			continue
		}
		m := img.Meta()
		img.Close()
		info.Files[r] = FileInfo{Path: p, Shape: m.Shape, DType: m.DType.String()}
		if t := m.Shape[0]; t > 1 {
			errs = append(errs, fmt.Errorf("dataset: subject %s, %s: %s has T=%d time points; im2im trains on one time point per file (split it, e.g. `im2im image convert FILE OUT --T n`)", s.ID, r, p, t))
		}
		z := m.Shape[2]
		switch {
		case dims == 2 && z != 1:
			errs = append(errs, fmt.Errorf("dataset: subject %s, %s: %s has Z=%d but the data is declared 2D", s.ID, r, p, z))
		case dims == 3 && z == 1:
			errs = append(errs, fmt.Errorf("dataset: subject %s, %s: %s is a single plane (Z=1) but the data is declared 3D", s.ID, r, p))
		}
	}
	im, ok := info.Files["IM"]
	if !ok {
		return info, errs
	}
	sort.Strings(roles)
	for _, r := range roles {
		f, ok := info.Files[r]
		if !ok || r == "IM" {
			continue
		}
		if [3]int(f.Shape[2:]) != [3]int(im.Shape[2:]) {
			errs = append(errs, fmt.Errorf("dataset: subject %s: IM %s is ZYX %v but %s %s is ZYX %v",
				s.ID, im.Path, im.Shape[2:], r, f.Path, f.Shape[2:]))
		}
	}
	return info, errs
}
