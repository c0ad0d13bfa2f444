package dataset

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/im2im/im2im/data/imageio"
)

// readCSVFile reads a CSV dataset file; relative paths are relative to its folder.
func readCSVFile(path string) ([]Subject, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	subs, err := ParseCSV(bytes.NewReader(b), filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("dataset: %s: %w", path, err)
	}
	return subs, nil
}

// ParseCSV reads subjects from CSV text: a header row naming role columns (IM
// and GT required, any other tag allowed; an optional "ID" column names the
// subject), then one row per subject. Relative paths are joined to base. Every
// bad row is reported, with its line number.
func ParseCSV(r io.Reader, base string) ([]Subject, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("empty CSV (want a header with IM and GT columns)")
	}
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if h == "" {
			return nil, fmt.Errorf("line 1: column %d has no name", i+1)
		}
		if _, dup := col[h]; dup {
			return nil, fmt.Errorf("line 1: column %q appears twice", h)
		}
		col[h] = i
	}
	for _, need := range []string{"IM", "GT"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("line 1: no %s column (columns: %v)", need, header)
		}
	}
	var subs []Subject
	var errs []error
	ids := map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				errs = append(errs, fmt.Errorf("line %d: %v", pe.Line, pe.Err))
				if pe.Err == csv.ErrQuote || pe.Err == csv.ErrBareQuote {
					break // the reader cannot resynchronize after a quote error
				}
				continue
			}
			return nil, err
		}
		line, _ := cr.FieldPos(0) // valid only after a successful Read
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) != len(header) {
			errs = append(errs, fmt.Errorf("line %d: %d fields, header has %d", line, len(rec), len(header)))
			continue
		}
		sub := Subject{Files: map[string]string{}}
		bad := false
		for name, i := range col {
			v := strings.TrimSpace(rec[i])
			if name == "ID" {
				sub.ID = v
				continue
			}
			if v == "" {
				errs = append(errs, fmt.Errorf("line %d: empty %s", line, name))
				bad = true
				continue
			}
			if !filepath.IsAbs(v) {
				v = filepath.Join(base, v)
			}
			sub.Files[name] = v
		}
		if bad {
			continue
		}
		if sub.ID == "" {
			s, _ := imageio.Stem(filepath.Base(sub.Files["IM"]))
			sub.ID = strings.TrimSuffix(s, "_IM")
		}
		if prev, dup := ids[sub.ID]; dup {
			errs = append(errs, fmt.Errorf("line %d: subject %q already on line %d", line, sub.ID, prev))
			continue
		}
		ids[sub.ID] = line
		subs = append(subs, sub)
	}
	return subs, errors.Join(errs...)
}
