package train

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// checkpointMagic starts every checkpoint file.
const checkpointMagic = "IM2IM-CKPT-1\n"

// State is the trainer's progress, saved with the weights in every checkpoint.
type State struct {
	// Epoch counts completed epochs; Step counts completed optimizer steps.
	Epoch, Step int
	// StepsPerEpoch is the number of batches per epoch the run was started with.
	StepsPerEpoch int
	// Best is the best monitored validation value so far (HasBest), reached after
	// epoch BestEpoch; BadValidations counts validations since then.
	Best           float64
	HasBest        bool
	BestEpoch      int
	BadValidations int
	// Plateau is the reduce-on-plateau schedule state.
	Plateau PlateauState
	// EpochLossSum and EpochLossN accumulate the loss of the current epoch.
	EpochLossSum float64
	EpochLossN   int
	// History has one record per completed epoch; StepLosses the loss of every step.
	History    []EpochRecord
	StepLosses []float64
	// Seed the run was started with.
	Seed int64
}

// EpochRecord summarises one epoch.
type EpochRecord struct {
	Epoch     int
	TrainLoss float64
	LR        float64
	// Validated says whether Val holds validation results ("loss" and metrics).
	Validated bool
	Val       map[string]float64 `json:",omitempty"`
}

// VarInfo describes a saved variable.
type VarInfo struct {
	// Name is the variable's scope and name ("/unet/down0/conv/weights").
	Name      string
	DType     string
	Shape     []int
	Trainable bool
	// Offset and Size locate the value's bytes in the data section.
	Offset, Size int64
}

type checkpointHeader struct {
	State State
	Vars  []VarInfo
}

// Checkpoint is a checkpoint file read into memory.
type Checkpoint struct {
	State  State
	Vars   []VarInfo
	values map[string]*tensors.Tensor
}

// Value returns the saved value of a variable by its scope and name.
func (c *Checkpoint) Value(name string) (*tensors.Tensor, bool) {
	t, ok := c.values[name]
	return t, ok
}

// writeCheckpoint saves every variable of ctx with the state to path, atomically:
// the file is written next to path, synced, then renamed over it, so a reader (or
// a run killed mid-write) sees either the old or the new checkpoint, never a mix.
func writeCheckpoint(path string, ctx *context.Context, st State) error {
	var data bytes.Buffer
	var infos []VarInfo
	for v := range ctx.IterVariables() {
		t, err := v.Value()
		if err != nil {
			return fmt.Errorf("train: checkpoint %s: variable %s: %w", path, v.ScopeAndName(), err)
		}
		off := int64(data.Len())
		var werr error
		if err := t.ConstFlatData(func(flat any) { werr = binary.Write(&data, binary.LittleEndian, flat) }); err != nil {
			return fmt.Errorf("train: checkpoint %s: variable %s: %w", path, v.ScopeAndName(), err)
		}
		if werr != nil {
			return fmt.Errorf("train: checkpoint %s: variable %s (%s): %w", path, v.ScopeAndName(), v.DType(), werr)
		}
		infos = append(infos, VarInfo{
			Name: v.ScopeAndName(), DType: v.DType().String(), Shape: v.Shape().Dimensions,
			Trainable: v.Trainable, Offset: off, Size: int64(data.Len()) - off,
		})
	}
	header, err := json.Marshal(checkpointHeader{State: st, Vars: infos})
	if err != nil {
		return fmt.Errorf("train: checkpoint %s: %w", path, err)
	}
	var buf bytes.Buffer
	buf.WriteString(checkpointMagic)
	_ = binary.Write(&buf, binary.LittleEndian, uint64(len(header)))
	buf.Write(header)
	buf.Write(data.Bytes())
	_ = binary.Write(&buf, binary.LittleEndian, crc32.ChecksumIEEE(buf.Bytes()[len(checkpointMagic):]))
	return writeFileAtomic(path, buf.Bytes())
}

// writeFileAtomic writes data to a temporary file in path's directory, syncs it and
// renames it to path, then syncs the directory.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("train: checkpoint directory: %w", err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("train: checkpoint %s: %w", path, err)
	}
	tmp := f.Name()
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("train: checkpoint %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("train: checkpoint %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("train: checkpoint %s: %w", path, err)
	}
	syncDir(dir)
	return nil
}

// syncDir makes a rename in dir durable (best effort).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// linkCheckpoint gives the complete checkpoint file from a second name, path,
// atomically (a hard link under a temporary name renamed over path), so that
// a checkpoint with the same content is not serialised and synced twice. The
// file is never modified in place (writeFileAtomic replaces names), so a later
// write of either name leaves the other intact. It fails where the file
// system has no hard links; the caller then writes path itself.
func linkCheckpoint(from, path string) error {
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp-link")
	os.Remove(tmp) // left by a run killed between link and rename
	if err := os.Link(from, tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	syncDir(filepath.Dir(path))
	return nil
}

// ReadCheckpoint reads and verifies a checkpoint file written by the trainer.
func ReadCheckpoint(path string) (*Checkpoint, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("train: checkpoint %s: %s", path, fmt.Sprintf(format, args...))
	}
	if len(raw) < len(checkpointMagic)+12 || string(raw[:len(checkpointMagic)]) != checkpointMagic {
		return nil, bad("not an im2im checkpoint (bad magic)")
	}
	body := raw[len(checkpointMagic) : len(raw)-4]
	if want, got := binary.LittleEndian.Uint32(raw[len(raw)-4:]), crc32.ChecksumIEEE(body); want != got {
		return nil, bad("checksum mismatch (file truncated or corrupted)")
	}
	hlen := binary.LittleEndian.Uint64(body[:8])
	if hlen > uint64(len(body)-8) {
		return nil, bad("header length %d exceeds the file", hlen)
	}
	var h checkpointHeader
	if err := json.Unmarshal(body[8:8+hlen], &h); err != nil {
		return nil, bad("header: %v", err)
	}
	data := body[8+hlen:]
	c := &Checkpoint{State: h.State, Vars: h.Vars, values: map[string]*tensors.Tensor{}}
	for _, vi := range h.Vars {
		dt, err := dtypes.DTypeString(vi.DType)
		if err != nil {
			return nil, bad("variable %s: dtype %q: %v", vi.Name, vi.DType, err)
		}
		if dt == dtypes.InvalidDType || dt.Size() == 0 {
			return nil, bad("variable %s: unsupported dtype %s", vi.Name, vi.DType)
		}
		n := int64(1)
		for _, d := range vi.Shape {
			if d < 0 || (d > 0 && n > int64(len(data))/int64(d)) {
				return nil, bad("variable %s: shape %v does not fit in %d data bytes", vi.Name, vi.Shape, len(data))
			}
			n *= int64(d)
		}
		shape := shapes.Make(dt, vi.Shape...)
		if vi.Offset < 0 || vi.Size != int64(shape.Memory()) || vi.Offset+vi.Size > int64(len(data)) {
			return nil, bad("variable %s: %d bytes at %d do not fit shape %s in %d data bytes",
				vi.Name, vi.Size, vi.Offset, shape, len(data))
		}
		t := tensors.FromShape(shape)
		var rerr error
		r := io.Reader(bytes.NewReader(data[vi.Offset : vi.Offset+vi.Size]))
		if err := t.MutableFlatData(func(flat any) { rerr = binary.Read(r, binary.LittleEndian, flat) }); err != nil {
			return nil, bad("variable %s: %v", vi.Name, err)
		}
		if rerr != nil {
			return nil, bad("variable %s: %v", vi.Name, rerr)
		}
		c.values[vi.Name] = t
	}
	return c, nil
}
