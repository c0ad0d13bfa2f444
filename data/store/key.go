package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// FormatVersion is the on-disk layout version; it is part of every key, so a
// layout change misses all old entries (which Collect then removes).
const FormatVersion = 1

// FileID identifies one source file by content-relevant metadata.
type FileID struct {
	Path    string `json:"path"`
	Size    int64  `json:"size"`
	ModTime int64  `json:"mtime_ns"`
}

// Identify stats path and returns its identity (absolute path, size, mtime).
func Identify(path string) (FileID, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return FileID{}, fmt.Errorf("store: %s: %w", path, err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return FileID{}, fmt.Errorf("store: %w", err)
	}
	if st.IsDir() {
		return FileID{}, fmt.Errorf("store: %s is a directory, not an image file", abs)
	}
	return FileID{Path: abs, Size: st.Size(), ModTime: st.ModTime().UnixNano()}, nil
}

// Key names one stored sample: a SHA-256 content hash, hex encoded.
type Key string

// SampleKey hashes the identities of a sample's files (by role: IM, GT, ...),
// the fingerprint of the deterministic transform chain applied before storing,
// and FormatVersion. Extra distinguishes samples that share files and chain
// (e.g. generated data: "synth:denoise:seed=3"); it may be empty.
func SampleKey(files map[string]FileID, chain string, extra string) Key {
	roles := make([]string, 0, len(files))
	for r := range files {
		roles = append(roles, r)
	}
	sort.Strings(roles)
	type entry struct {
		Role string `json:"role"`
		FileID
	}
	doc := struct {
		Version int     `json:"version"`
		Files   []entry `json:"files"`
		Chain   string  `json:"chain"`
		Extra   string  `json:"extra"`
	}{Version: FormatVersion, Chain: chain, Extra: extra}
	for _, r := range roles {
		doc.Files = append(doc.Files, entry{r, files[r]})
	}
	b, _ := json.Marshal(doc) // plain strings and ints: cannot fail
	h := sha256.Sum256(b)
	return Key(hex.EncodeToString(h[:]))
}

// Keyspaces. A sample's keys are meta/<key>, fgnd/<key> (foreground
// coordinates), done/<key> (the completion marker) and
// data/<key>/<role>/<chunk index, 4 bytes big-endian>.
const (
	metaPrefix = "meta/"
	fgPrefix   = "fgnd/"
	donePrefix = "done/"
	dataPrefix = "data/"
)

func fgKey(k Key) []byte { return []byte(fgPrefix + string(k)) }

func metaKey(k Key) []byte { return []byte(metaPrefix + string(k)) }
func doneKey(k Key) []byte { return []byte(donePrefix + string(k)) }

func dataKey(k Key, role string, chunk int) []byte {
	b := []byte(dataPrefix + string(k) + "/" + role + "/")
	return append(b, byte(chunk>>24), byte(chunk>>16), byte(chunk>>8), byte(chunk))
}

// dataRange returns the [start, end) key range of a sample's chunks.
func dataRange(k Key) (start, end []byte) {
	p := dataPrefix + string(k) + "/"
	return []byte(p), []byte(dataPrefix + string(k) + "0") // '0' follows '/'
}

func validKey(k Key) error {
	if len(k) != 64 {
		return fmt.Errorf("store: key %q is not a 64-digit hex hash", string(k))
	}
	if _, err := hex.DecodeString(string(k)); err != nil {
		return fmt.Errorf("store: key %q is not a 64-digit hex hash", string(k))
	}
	return nil
}
