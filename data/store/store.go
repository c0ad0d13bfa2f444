package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/klauspost/compress/zstd"

	"github.com/im2im/im2im/data/array"
)

// Options configures a store. Zero values mean the defaults in brackets.
type Options struct {
	// Compress stores chunks zstd-compressed (fastest level); worth it for
	// labels and masks, rarely for noisy float images. [false]
	Compress bool
	// WholeBelow: arrays of at most this many bytes are stored as one chunk.
	// [1 MiB]
	WholeBelow int
	// Chunk2D and Chunk3D are the spatial chunk extents of larger arrays.
	// [256×256, 32×64×64]
	Chunk2D, Chunk3D []int
	// ForegroundKey names the array whose foreground coordinates are kept with
	// each sample for foreground-biased cropping; "" disables. ["GT"]
	ForegroundKey string
	// FlushBytes: Build makes the written data durable each time this much has
	// been written since the last flush, and at its end. [64 MiB]
	FlushBytes int64
	// ReadOnly opens without writing (info tools).
	ReadOnly bool
}

func (o Options) withDefaults() Options {
	if o.WholeBelow == 0 {
		o.WholeBelow = 1 << 20
	}
	if len(o.Chunk2D) == 0 {
		o.Chunk2D = []int{256, 256}
	}
	if len(o.Chunk3D) == 0 {
		o.Chunk3D = []int{32, 64, 64}
	}
	if o.ForegroundKey == "" {
		o.ForegroundKey = "GT"
	}
	if o.FlushBytes == 0 {
		o.FlushBytes = 64 << 20
	}
	return o
}

// maxForeground bounds the foreground coordinates kept per sample.
const maxForeground = 4096

// Store is an open patch store.
type Store struct {
	db   *pebble.DB
	dir  string
	opts Options
	enc  *zstd.Encoder
	dec  *zstd.Decoder

	chunksRead atomic.Int64 // chunk values fetched (for tests and stats)
	unflushed  atomic.Int64 // bytes written since the last flush
	flushMu    sync.Mutex
}

// quietLogger drops Pebble's informational messages and keeps errors.
type quietLogger struct{}

func (quietLogger) Infof(string, ...any) {}
func (quietLogger) Errorf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "store: pebble: "+format+"\n", args...)
}
func (quietLogger) Fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "store: pebble: "+format+"\n", args...)
	os.Exit(1)
}

// ErrInUse is matched (errors.Is) by Open's error when another process, or
// another Open of this process, holds the store's directory lock.
var ErrInUse = errors.New("store is in use")

// openError explains Pebble's failure to open dir. Pebble locks the directory
// (fcntl F_SETLK on dir/LOCK) even read-only, so a second process gets EAGAIN
// or EACCES from the lock call ("resource temporarily unavailable"), and a
// second Open in one process gets "lock held by current process".
func openError(dir string, err error) error {
	var pe *fs.PathError // creating or opening a file failed: not a lock conflict
	switch {
	case (errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EACCES)) && !errors.As(err, &pe):
		return fmt.Errorf("store %s is in use by another process (a training run or `im2im data cache`; it holds %s, and Pebble admits one process per store): %w: %v",
			dir, filepath.Join(dir, "LOCK"), ErrInUse, err)
	case strings.Contains(err.Error(), "lock held by current process"):
		return fmt.Errorf("store %s is already open in this process (open it once and share the *Store between goroutines): %w: %v", dir, ErrInUse, err)
	}
	return fmt.Errorf("store: open %s: %w", dir, err)
}

// Open opens (creating if needed) the store in dir. Only one process at a time
// may have a store open, read-only or not: Open in a second process fails
// with an error matching ErrInUse.
func Open(dir string, o Options) (*Store, error) {
	o = o.withDefaults()
	for _, c := range [][]int{o.Chunk2D, o.Chunk3D} {
		for _, d := range c {
			if d < 1 {
				return nil, fmt.Errorf("store: chunk extents %v must be >= 1", c)
			}
		}
	}
	if len(o.Chunk2D) != 2 || len(o.Chunk3D) != 3 {
		return nil, fmt.Errorf("store: Chunk2D %v / Chunk3D %v need 2 and 3 extents", o.Chunk2D, o.Chunk3D)
	}
	if o.ReadOnly {
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
	}
	po := &pebble.Options{
		DisableWAL:   true,
		ReadOnly:     o.ReadOnly,
		Logger:       quietLogger{},
		MemTableSize: 64 << 20,
	}
	po.ApplyCompressionSettings(func() pebble.DBCompressionSettings { return pebble.DBCompressionNone })
	db, err := pebble.Open(dir, po)
	if err != nil {
		return nil, openError(dir, err)
	}
	s := &Store{db: db, dir: dir, opts: o}
	if s.enc, err = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1)); err != nil {
		db.Close()
		return nil, err
	}
	if s.dec, err = zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(1<<28)); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Dir returns the store's directory.
func (s *Store) Dir() string { return s.dir }

// Close makes everything written durable and closes the database.
func (s *Store) Close() error {
	var err error
	if !s.opts.ReadOnly {
		err = s.db.Flush()
	}
	s.dec.Close()
	return errors.Join(err, s.db.Close())
}

// Flush makes all writes so far durable.
func (s *Store) Flush() error {
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	s.unflushed.Store(0)
	return s.db.Flush()
}

// ChunksRead returns how many chunk values this Store has fetched so far.
func (s *Store) ChunksRead() int64 { return s.chunksRead.Load() }

// ArrayMeta describes one stored array.
type ArrayMeta struct {
	Shape []int `json:"shape"`
	Chunk []int `json:"chunk"` // spatial chunk extent
	// Range is the array's value range (nil for samples stored before ranges
	// were recorded: MetaRanges computes it).
	Range *ValueRange `json:"range,omitempty"`
}

// Meta describes one stored sample.
type Meta struct {
	Version    int                  `json:"version"`
	ID         string               `json:"id"`
	Arrays     map[string]ArrayMeta `json:"arrays"`
	Compressed bool                 `json:"compressed"`
	// Foreground is the number of foreground coordinates kept (see
	// Store.Foreground).
	Foreground int   `json:"foreground"`
	Bytes      int64 `json:"bytes"` // stored value bytes
	Created    int64 `json:"created_unix"`
	// Sources are the identities of the files the sample was made from, as
	// given to PutSources or Job.Sources (nil when unknown); CollectStale uses
	// them to find entries of modified or deleted files.
	Sources []FileID `json:"sources,omitempty"`
}

// Spatial returns the spatial shape shared by the sample's arrays.
func (m *Meta) Spatial() []int {
	for _, a := range m.Arrays {
		return append([]int(nil), a.Shape[1:]...)
	}
	return nil
}

// Roles returns the sample's role tags sorted.
func (m *Meta) Roles() []string {
	out := make([]string, 0, len(m.Arrays))
	for r := range m.Arrays {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

func (s *Store) chunkFor(a *array.Array) []int {
	sp := a.Spatial()
	if a.Bytes() <= s.opts.WholeBelow {
		return append([]int(nil), sp...)
	}
	c := s.opts.Chunk2D
	if len(sp) == 3 {
		c = s.opts.Chunk3D
	}
	out := make([]int, len(sp))
	for i := range sp {
		out[i] = min(sp[i], c[i])
	}
	return out
}

// batchLimit is how many value bytes Put collects before committing a batch.
const batchLimit = 32 << 20

// Put stores a sample under k: its data in batches of about 32 MiB, then the
// completion marker. Any earlier (partial) entry under k is replaced.
func (s *Store) Put(k Key, smp *array.Sample) error { return s.PutSources(k, smp, nil) }

// PutSources is Put recording the identities of the sample's source files in
// its metadata (see Meta.Sources and CollectStale).
func (s *Store) PutSources(k Key, smp *array.Sample, sources []FileID) error {
	if err := validKey(k); err != nil {
		return err
	}
	sp, err := smp.Spatial()
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if len(sp) != 2 && len(sp) != 3 {
		return fmt.Errorf("store: sample %s has spatial shape %v; want 2D or 3D", smp.ID, sp)
	}
	if err := s.Delete(k); err != nil {
		return err
	}
	m := Meta{Version: FormatVersion, ID: smp.ID, Arrays: map[string]ArrayMeta{}, Compressed: s.opts.Compress, Created: time.Now().Unix(),
		Sources: append([]FileID(nil), sources...)}
	b := s.db.NewBatch()
	defer func() { b.Close() }()
	pending := 0
	commit := func() error {
		if err := b.Commit(pebble.NoSync); err != nil {
			return fmt.Errorf("store: write %s: %w", smp.ID, err)
		}
		s.unflushed.Add(int64(pending))
		b.Close()
		b = s.db.NewBatch()
		pending = 0
		return nil
	}
	var buf []byte
	for _, role := range smp.Keys() {
		a := smp.Arrays[role]
		chunk := s.chunkFor(a)
		m.Arrays[role] = ArrayMeta{Shape: append([]int(nil), a.Shape...), Chunk: chunk, Range: valueRange(a.Data)}
		g, err := newGrid(a.Shape, chunk)
		if err != nil {
			return err
		}
		for idx := 0; idx < g.total(); idx++ {
			st, sz := g.box(idx)
			c, err := a.Crop(append([]int{0}, st...), append([]int{a.Shape[0]}, sz...))
			if err != nil {
				return fmt.Errorf("store: %s/%s chunk %d: %w", smp.ID, role, idx, err)
			}
			buf = floatsToBytes(buf[:0], c.Data)
			var val []byte
			if s.opts.Compress {
				val = s.enc.EncodeAll(buf, []byte{zstdChunk})
			} else {
				val = append([]byte{rawChunk}, buf...)
			}
			if err := b.Set(dataKey(k, role, idx), val, nil); err != nil {
				return err
			}
			m.Bytes += int64(len(val))
			pending += len(val)
			if pending >= batchLimit {
				if err := commit(); err != nil {
					return err
				}
			}
		}
	}
	if fg, ok := smp.Arrays[s.opts.ForegroundKey]; ok {
		coords := fg.Foreground(maxForeground)
		m.Foreground = len(coords)
		fb, err := json.Marshal(coords)
		if err != nil {
			return err
		}
		if err := b.Set(fgKey(k), fb, nil); err != nil {
			return err
		}
	}
	mb, err := json.Marshal(&m)
	if err != nil {
		return err
	}
	if err := b.Set(metaKey(k), mb, nil); err != nil {
		return err
	}
	pending += len(mb)
	if err := commit(); err != nil {
		return err
	}
	// The marker goes in its own batch after all data: Pebble flushes memtables
	// in order, so a durable marker implies durable data.
	if err := s.db.Set(doneKey(k), []byte(fmt.Sprint(m.Bytes)), pebble.NoSync); err != nil {
		return fmt.Errorf("store: mark %s done: %w", smp.ID, err)
	}
	if s.unflushed.Load() >= s.opts.FlushBytes {
		return s.Flush()
	}
	return nil
}

// Delete removes everything stored under k (complete or partial).
func (s *Store) Delete(k Key) error {
	b := s.db.NewBatch()
	defer b.Close()
	start, end := dataRange(k)
	if err := errors.Join(b.Delete(doneKey(k), nil), b.Delete(metaKey(k), nil), b.Delete(fgKey(k), nil), b.DeleteRange(start, end, nil)); err != nil {
		return err
	}
	return b.Commit(pebble.NoSync)
}

// Has reports whether k is stored completely (its completion marker exists).
func (s *Store) Has(k Key) (bool, error) {
	v, closer, err := s.db.Get(doneKey(k))
	if errors.Is(err, pebble.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: %w", err)
	}
	_ = v
	closer.Close()
	return true, nil
}

// Meta returns the metadata of a complete sample, or an error if k is missing or
// incomplete.
func (s *Store) Meta(k Key) (*Meta, error) {
	ok, err := s.Has(k)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("store: sample %s… is not stored (or its build did not finish)", string(k)[:min(12, len(k))])
	}
	v, closer, err := s.db.Get(metaKey(k))
	if err != nil {
		return nil, fmt.Errorf("store: meta of %s…: %w", string(k)[:12], err)
	}
	defer closer.Close()
	var m Meta
	if err := json.Unmarshal(v, &m); err != nil {
		return nil, fmt.Errorf("store: meta of %s… is corrupt: %w", string(k)[:12], err)
	}
	return &m, nil
}

// Foreground returns the foreground coordinates stored with sample k (up to
// 4096, evenly subsampled; nil if the sample had no ForegroundKey array).
func (s *Store) Foreground(k Key) ([][]int, error) {
	m, err := s.Meta(k)
	if err != nil {
		return nil, err
	}
	if m.Foreground == 0 {
		return nil, nil
	}
	v, closer, err := s.db.Get(fgKey(k))
	if err != nil {
		return nil, fmt.Errorf("store: foreground of %s…: %w", string(k)[:12], err)
	}
	defer closer.Close()
	var out [][]int
	if err := json.Unmarshal(v, &out); err != nil {
		return nil, fmt.Errorf("store: foreground of %s… is corrupt: %w", string(k)[:12], err)
	}
	return out, nil
}

// readChunk fetches and decodes chunk idx of role into dst (len = chunk values).
func (s *Store) readChunk(k Key, role string, idx int, dst []float32) error {
	v, closer, err := s.db.Get(dataKey(k, role, idx))
	if err != nil {
		return fmt.Errorf("store: %s… %s chunk %d: %w", string(k)[:12], role, idx, err)
	}
	defer closer.Close()
	s.chunksRead.Add(1)
	if err := s.decodeChunk(v, dst); err != nil {
		return fmt.Errorf("store: %s… %s chunk %d: %w", string(k)[:12], role, idx, err)
	}
	return nil
}

// decodeChunk decodes a chunk value (flag byte + payload) into dst, which must
// receive exactly len(dst) float32 values.
func (s *Store) decodeChunk(v []byte, dst []float32) error {
	if len(v) == 0 {
		return errors.New("empty value")
	}
	payload := v[1:]
	switch v[0] {
	case zstdChunk:
		var err error
		payload, err = s.dec.DecodeAll(payload, make([]byte, 0, 4*len(dst)))
		if err != nil {
			return err
		}
	case rawChunk:
	default:
		return fmt.Errorf("unknown encoding %d", v[0])
	}
	if len(payload) != 4*len(dst) {
		return fmt.Errorf("holds %d bytes, want %d", len(payload), 4*len(dst))
	}
	bytesToFloats(dst, payload)
	return nil
}

// Get reads a whole stored sample.
func (s *Store) Get(k Key) (*array.Sample, error) {
	m, err := s.Meta(k)
	if err != nil {
		return nil, err
	}
	return s.region(k, m, nil, nil)
}

// Region reads the spatial box [start, start+size) of every array of sample k,
// fetching only the chunks the box overlaps.
func (s *Store) Region(k Key, start, size []int) (*array.Sample, error) {
	m, err := s.Meta(k)
	if err != nil {
		return nil, err
	}
	return s.RegionWithMeta(k, m, start, size)
}

// RegionWithMeta is Region for callers that already hold the sample's Meta.
func (s *Store) RegionWithMeta(k Key, m *Meta, start, size []int) (*array.Sample, error) {
	sp := m.Spatial()
	if len(start) != len(sp) || len(size) != len(sp) {
		return nil, fmt.Errorf("store: region start %v size %v does not match sample %s (%v)", start, size, m.ID, sp)
	}
	for i := range sp {
		if start[i] < 0 || size[i] < 1 || start[i]+size[i] > sp[i] {
			return nil, fmt.Errorf("store: region start %v size %v leaves sample %s (%v)", start, size, m.ID, sp)
		}
	}
	return s.region(k, m, start, size)
}

func (s *Store) region(k Key, m *Meta, start, size []int) (*array.Sample, error) {
	out := array.NewSample(m.ID)
	for _, role := range m.Roles() {
		am := m.Arrays[role]
		st, sz := start, size
		if st == nil {
			st, sz = make([]int, len(am.Shape)-1), am.Shape[1:]
		}
		g, err := newGrid(am.Shape, am.Chunk)
		if err != nil {
			return nil, err
		}
		dst := array.New(append([]int{am.Shape[0]}, sz...)...)
		for _, idx := range g.overlapping(st, sz) {
			cst, csz := g.box(idx)
			if array.SameShape(cst, st) && array.SameShape(csz, sz) {
				// The box is this chunk: decode straight into the output.
				if err := s.readChunk(k, role, idx, dst.Data); err != nil {
					return nil, err
				}
				continue
			}
			c := array.New(append([]int{am.Shape[0]}, csz...)...)
			if err := s.readChunk(k, role, idx, c.Data); err != nil {
				return nil, err
			}
			// Intersection of the chunk box and the requested box.
			n := len(cst)
			srcStart, dstStart, isz := make([]int, n+1), make([]int, n+1), make([]int, n+1)
			isz[0] = am.Shape[0]
			for ax := 0; ax < n; ax++ {
				lo := max(cst[ax], st[ax])
				hi := min(cst[ax]+csz[ax], st[ax]+sz[ax])
				srcStart[ax+1] = lo - cst[ax]
				dstStart[ax+1] = lo - st[ax]
				isz[ax+1] = hi - lo
			}
			array.CopyBox(dst, dstStart, c, srcStart, isz)
		}
		out.Arrays[role] = dst
	}
	return out, nil
}
