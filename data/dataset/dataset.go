package dataset

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Category is the kind of training data.
type Category string

// The categories of mmv_im2im.
const (
	Pair     Category = "pair"
	Unpair   Category = "unpair"
	EmbedSeg Category = "embedseg"
)

// Subject is one training example on disk: a file per role tag.
type Subject struct {
	// ID is the shared stem (X of X_IM.tiff, or the file stem in IM/).
	ID string
	// Files maps a role tag ("IM", "GT", "CM", ...) to a file path.
	Files map[string]string
}

// Spec says where the data is and how to read it.
type Spec struct {
	// Path is a folder (X_IM files or IM/ GT/ subfolders) or a .csv file.
	Path string
	// Train and Val are explicit folders; when set they replace Path and the
	// split is theirs.
	Train, Val string
	// Category is pair (default), unpair or embedseg.
	Category Category
	// Dims is 2 or 3 (0 skips the dimensionality check in Check).
	Dims int
	// ValRatio is the fraction of subjects held out for validation when the
	// split is not given by folders. [0.1; negative means none]
	ValRatio float64
	// Seed drives the split.
	Seed uint64
}

// Dataset is the discovered data, split.
type Dataset struct {
	Category Category
	// Roles are the tags every subject has, sorted (IM first is not implied).
	Roles []string
	Train []Subject
	Val   []Subject
}

// All returns train and val subjects together.
func (d *Dataset) All() []Subject { return append(append([]Subject(nil), d.Train...), d.Val...) }

// Discover finds the subjects described by spec and splits them. On problems
// it returns every one found at once, together with the dataset of the subjects
// it could match (so that Open can check those too). Its errors are
// *ProblemError.
func Discover(spec Spec) (*Dataset, error) {
	d, err := discover(spec)
	return d, problem(err)
}

// discover is Discover without the error marking.
func discover(spec Spec) (*Dataset, error) {
	cat := spec.Category
	if cat == "" {
		cat = Pair
	}
	if cat != Pair && cat != Unpair && cat != EmbedSeg {
		return nil, fmt.Errorf("dataset: category %q: want pair, unpair or embedseg", spec.Category)
	}
	if spec.Dims != 0 && spec.Dims != 2 && spec.Dims != 3 {
		return nil, fmt.Errorf("dataset: dims %d: want 2 or 3", spec.Dims)
	}
	d := &Dataset{Category: cat}
	var errs []error
	if spec.Train != "" || spec.Val != "" {
		if spec.Train == "" || spec.Val == "" {
			return nil, fmt.Errorf("dataset: give both train and val folders (train %q, val %q)", spec.Train, spec.Val)
		}
		var err error
		d.Train, err = discoverOne(spec.Train, cat, spec.Seed)
		errs = append(errs, err)
		d.Val, err = discoverOne(spec.Val, cat, spec.Seed+1)
		errs = append(errs, err)
	} else {
		if spec.Path == "" {
			return nil, errors.New("dataset: no data path given")
		}
		all, err := discoverOne(spec.Path, cat, spec.Seed)
		errs = append(errs, err)
		if cat == Unpair {
			d.Train, d.Val = splitUnpaired(all, spec.ValRatio, spec.Seed)
		} else {
			d.Train, d.Val = split(all, spec.ValRatio, spec.Seed)
		}
	}
	d.Roles = roles(d.All())
	if err := errors.Join(errs...); err != nil {
		return d, err // already names the subjects lacking a role
	}
	if cat == Unpair {
		return d, requireDomains(d.All())
	}
	return d, requireRoles(d.All(), cat)
}

// Open discovers the dataset and checks every file it could match (see Check),
// returning all problems of both steps at once.
func Open(spec Spec) (*Dataset, []SubjectInfo, error) {
	d, derr := Discover(spec)
	if d == nil {
		return nil, nil, derr
	}
	infos, cerr := d.CheckFiles(spec.Dims)
	return d, infos, problem(errors.Join(derr, cerr))
}

// CheckFiles runs Check on every subject of d that has an IM file (a partial
// dataset returned by Discover with an error may hold subjects without one).
// Open is Discover followed by CheckFiles; callers that need to act between
// the two steps call them separately.
func (d *Dataset) CheckFiles(dims int) ([]SubjectInfo, error) {
	var ok []Subject
	for _, s := range d.All() {
		_, im := s.Files["IM"]
		_, gt := s.Files["GT"]
		if im || (gt && d.Category == Unpair) {
			ok = append(ok, s)
		}
	}
	return Check(ok, d.Category, dims)
}

func roles(subjects []Subject) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range subjects {
		for r := range s.Files {
			if !seen[r] {
				seen[r] = true
				out = append(out, r)
			}
		}
	}
	sort.Strings(out)
	return out
}

func requireRoles(subjects []Subject, cat Category) error {
	var errs []error
	for _, s := range subjects {
		for _, r := range []string{"IM", "GT"} {
			if _, ok := s.Files[r]; !ok {
				errs = append(errs, fmt.Errorf("dataset: %s data needs %s for every subject; %s has only %v", cat, r, s.ID, sortedRoles(s)))
			}
		}
	}
	return errors.Join(errs...)
}

func sortedRoles(s Subject) []string {
	var out []string
	for r := range s.Files {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// discoverOne finds the subjects of one folder or CSV file.
func discoverOne(path string, cat Category, seed uint64) ([]Subject, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	var subjects []Subject
	switch {
	case !st.IsDir() && strings.EqualFold(filepath.Ext(path), ".csv"):
		subjects, err = readCSVFile(path)
	case !st.IsDir():
		return nil, fmt.Errorf("dataset: %s is neither a folder nor a .csv file", path)
	case cat == Unpair:
		subjects, err = discoverUnpaired(path)
	case isDir(filepath.Join(path, "IM")):
		subjects, err = discoverSubfolders(path)
	default:
		subjects, err = discoverTagged(path)
	}
	if err != nil {
		return subjects, err
	}
	if len(subjects) == 0 {
		return nil, fmt.Errorf("dataset: %s holds no subjects (no X_IM.tiff/.npy/.png files, no IM/ folder, no CSV rows)", path)
	}
	return subjects, nil
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// split holds out round(ratio × n) subjects (at least 1 when ratio > 0 and there
// are 2 or more), chosen by seed; the rest train.
func split(all []Subject, ratio float64, seed uint64) (train, val []Subject) {
	if ratio == 0 {
		ratio = 0.1
	}
	n := len(all)
	k := 0
	if ratio > 0 && n >= 2 {
		k = max(1, min(n-1, int(math.Round(ratio*float64(n)))))
	}
	perm := rand.New(rand.NewPCG(seed, 0x5b117)).Perm(n)
	inVal := map[int]bool{}
	for _, i := range perm[:k] {
		inVal[i] = true
	}
	for i, s := range all {
		if inVal[i] {
			val = append(val, s)
		} else {
			train = append(train, s)
		}
	}
	return train, val
}
