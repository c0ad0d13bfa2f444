package dataset

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/im2im/im2im/data/imageio"
)

// listImages returns the image files of dir (by extension), sorted by name, and
// whether the folder could be read.
func listImages(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	var out []string
	for _, e := range ents {
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if _, ok := imageio.Stem(e.Name()); ok {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out, nil
}

// discoverTagged handles one folder of X_IM.ext files with sibling X_TAG files.
// The tags are those of the first subject (in name order); every other subject
// must have the same tags, and every image file must belong to a subject.
func discoverTagged(dir string) ([]Subject, error) {
	names, err := listImages(dir)
	if err != nil {
		return nil, err
	}
	byStem := map[string]string{} // stem without extension → file name
	var errs []error
	for _, n := range names {
		s, _ := imageio.Stem(n)
		if prev, ok := byStem[s]; ok {
			errs = append(errs, fmt.Errorf("dataset: %s: %s and %s differ only in extension", dir, prev, n))
			continue
		}
		byStem[s] = n
	}
	var ids []string
	for s := range byStem {
		if id, ok := strings.CutSuffix(s, "_IM"); ok && id != "" {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	if len(ids) == 0 {
		if len(names) == 0 {
			return nil, fmt.Errorf("dataset: %s is empty (no image files)", dir)
		}
		return nil, fmt.Errorf("dataset: %s has %d image files but none named X_IM.<ext> (e.g. %s)", dir, len(names), names[0])
	}
	// Tags from the first subject: files "<id>_<TAG>" with no further underscore
	// in TAG.
	first := ids[0]
	var tags []string
	for s := range byStem {
		if tag, ok := strings.CutPrefix(s, first+"_"); ok && tag != "" && !strings.Contains(tag, "_") {
			tags = append(tags, tag)
		}
	}
	sort.Strings(tags)
	used := map[string]bool{}
	var subjects []Subject
	for _, id := range ids {
		sub := Subject{ID: id, Files: map[string]string{}}
		for _, tag := range tags {
			n, ok := byStem[id+"_"+tag]
			if !ok {
				errs = append(errs, fmt.Errorf("dataset: %s: subject %s has no %s_%s file (the first subject, %s, has tags %v)", dir, id, id, tag, first, tags))
				continue
			}
			used[n] = true
			sub.Files[tag] = filepath.Join(dir, n)
		}
		subjects = append(subjects, sub)
	}
	for _, n := range names {
		if !used[n] {
			errs = append(errs, fmt.Errorf("dataset: %s: %s matches no subject (tags %v of X_IM files)", dir, n, tags))
		}
	}

	return subjects, errors.Join(errs...)
}

// discoverSubfolders handles dir/IM, dir/GT, dir/CM ... matched by file stem. For
// every role must match IM by stem (unpair data: discoverUnpaired).
func discoverSubfolders(dir string) ([]Subject, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	var tags []string
	for _, e := range ents {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			tags = append(tags, e.Name())
		}
	}
	sort.Strings(tags)
	files := map[string]map[string]string{} // tag → stem → path
	var errs []error
	for _, tag := range tags {
		names, err := listImages(filepath.Join(dir, tag))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if len(names) == 0 {
			errs = append(errs, fmt.Errorf("dataset: %s is empty (no image files)", filepath.Join(dir, tag)))
			continue
		}
		files[tag] = map[string]string{}
		for _, n := range names {
			s, _ := imageio.Stem(n)
			files[tag][s] = filepath.Join(dir, tag, n)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var ids []string
	for s := range files["IM"] {
		ids = append(ids, s)
	}
	sort.Strings(ids)
	var subjects []Subject
	for _, id := range ids {
		sub := Subject{ID: id, Files: map[string]string{"IM": files["IM"][id]}}
		for _, tag := range tags {
			if tag == "IM" {
				continue
			}
			p, ok := files[tag][id]
			if !ok {
				errs = append(errs, fmt.Errorf("dataset: %s has no file with stem %q (IM/ has one)", filepath.Join(dir, tag), id))
				continue
			}
			sub.Files[tag] = p
		}
		subjects = append(subjects, sub)
	}
	for _, tag := range tags {
		if tag == "IM" {
			continue
		}
		var extra []string
		for s := range files[tag] {
			if _, ok := files["IM"][s]; !ok {
				extra = append(extra, s)
			}
		}
		sort.Strings(extra)
		for _, s := range extra {
			errs = append(errs, fmt.Errorf("dataset: %s has no match in IM/", files[tag][s]))
		}
	}

	return subjects, errors.Join(errs...)
}
