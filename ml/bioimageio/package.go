package bioimageio

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// RDFName is the description's file name inside a package.
const RDFName = "rdf.yaml"

// maxPackageBytes bounds the uncompressed size of a package that ReadPackage
// accepts (weights of ONNX files without external data stay under 2 GiB).
const maxPackageBytes = 2 << 30

// Package is a description with the files it references, by their
// package-relative names.
type Package struct {
	Desc  *Description
	Files map[string][]byte
}

// SHA256 is the hex SHA-256 of b, as the spec's sha256 fields hold it.
func SHA256(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// WritePackage validates p and writes it as a zip file: rdf.yaml first, then
// the files in name order.
func WritePackage(dst string, p *Package) error {
	if err := Validate(p); err != nil {
		return err
	}
	rdf, err := p.Desc.Marshal()
	if err != nil {
		return fmt.Errorf("bioimageio: %w", err)
	}
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	names := []string{RDFName}
	for name := range p.Files {
		if name != RDFName {
			names = append(names, name)
		}
	}
	sort.Strings(names[1:])
	now := time.Now()
	for _, name := range names {
		data := rdf
		if name != RDFName {
			data = p.Files[name]
		}
		w, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: now})
		if err != nil {
			return fmt.Errorf("bioimageio: %s: %w", name, err)
		}
		if _, err := w.Write(data); err != nil {
			return fmt.Errorf("bioimageio: %s: %w", name, err)
		}
	}
	if err := z.Close(); err != nil {
		return fmt.Errorf("bioimageio: %w", err)
	}
	if err := os.WriteFile(dst, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("bioimageio: %w", err)
	}
	return nil
}

// ReadPackage reads a package from a .zip file or a folder: its description
// (rdf.yaml, or the one *.bioimageio.yaml file) and every other file in it.
// It does not validate; call Validate.
func ReadPackage(src string) (*Package, error) {
	fi, err := os.Stat(src)
	if err != nil {
		return nil, fmt.Errorf("bioimageio: %w", err)
	}
	files := map[string][]byte{}
	if fi.IsDir() {
		err = filepath.WalkDir(src, func(p string, e os.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(src, p)
			b, err := os.ReadFile(p)
			files[filepath.ToSlash(rel)] = b
			return err
		})
	} else {
		err = readZip(src, fi.Size(), files)
	}
	if err != nil {
		return nil, fmt.Errorf("bioimageio: %s: %w", src, err)
	}
	name := RDFName
	if _, ok := files[name]; !ok {
		var found []string
		for n := range files {
			if strings.HasSuffix(n, ".bioimageio.yaml") && !strings.Contains(n, "/") {
				found = append(found, n)
			}
		}
		if len(found) != 1 {
			return nil, fmt.Errorf("bioimageio: %s holds no rdf.yaml (nor one *.bioimageio.yaml): not a bioimage.io package", src)
		}
		name = found[0]
	}
	d, err := Parse(files[name])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", src, err)
	}
	delete(files, name)
	return &Package{Desc: d, Files: files}, nil
}

func readZip(src string, size int64, files map[string][]byte) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	z, err := zip.NewReader(f, size)
	if err != nil {
		return fmt.Errorf("not a zip file: %w", err)
	}
	var total uint64
	for _, e := range z.File {
		if strings.HasSuffix(e.Name, "/") {
			continue
		}
		total += e.UncompressedSize64
		if total > maxPackageBytes {
			return fmt.Errorf("the package holds more than %d bytes uncompressed", maxPackageBytes)
		}
		name := path.Clean(e.Name)
		if strings.HasPrefix(name, "../") || path.IsAbs(name) {
			return fmt.Errorf("entry %q leaves the package", e.Name)
		}
		r, err := e.Open()
		if err != nil {
			return fmt.Errorf("%s: %w", e.Name, err)
		}
		b, err := io.ReadAll(io.LimitReader(r, int64(e.UncompressedSize64)+1))
		r.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", e.Name, err)
		}
		files[name] = b
	}
	return nil
}
