package train

import (
	"fmt"
	"math/rand"
)

// Tensor is a dense row-major float32 array with its shape.
type Tensor struct {
	Shape []int
	Data  []float32
}

// Check verifies that Data holds prod(Shape) values.
func (t Tensor) Check() error {
	n := 1
	for _, d := range t.Shape {
		if d <= 0 {
			return fmt.Errorf("shape %v has a non-positive extent", t.Shape)
		}
		n *= d
	}
	if n != len(t.Data) {
		return fmt.Errorf("shape %v needs %d values, got %d", t.Shape, n, len(t.Data))
	}
	return nil
}

// Batch is one step's input and target, both shaped [N, C, spatial...], with an
// optional per-voxel loss weight W (a cost map, [N, 1, spatial...]; nil Data when
// absent) for losses that take one (see Supervised and Task.Weighted).
type Batch struct {
	X, Y Tensor
	W    Tensor
}

// Dataset hands out batches by position, so that a run resumed at any step sees
// exactly the batches it would have seen: Batch(epoch, i) must return the same
// values whenever it is called with the same arguments.
type Dataset interface {
	// Len is the number of batches in one epoch.
	Len() int
	// Batch returns batch i (0 <= i < Len()) of the given epoch.
	Batch(epoch, i int) (Batch, error)
}

// Sample is one (input, target) pair, each shaped [C, spatial...], with an
// optional cost map W ([1, spatial...]; nil Data when absent).
type Sample struct {
	X, Y Tensor
	W    Tensor
}

// Samples is an in-memory Dataset: it stacks BatchSize samples per batch, in an
// order shuffled per epoch from Seed when Shuffle is set. The last incomplete
// batch is dropped when there are more samples than BatchSize (every step then has
// the same shape, so one compiled graph serves them all).
type Samples struct {
	Items     []Sample
	BatchSize int
	Shuffle   bool
	Seed      int64
}

// Len implements Dataset.
func (s *Samples) Len() int {
	bs := s.batchSize()
	if len(s.Items) <= bs {
		if len(s.Items) == 0 {
			return 0
		}
		return 1
	}
	return len(s.Items) / bs
}

func (s *Samples) batchSize() int {
	if s.BatchSize <= 0 {
		return 1
	}
	return s.BatchSize
}

// order returns the sample order of an epoch.
func (s *Samples) order(epoch int) []int {
	idx := make([]int, len(s.Items))
	for i := range idx {
		idx[i] = i
	}
	if s.Shuffle {
		r := rand.New(rand.NewSource(s.Seed*1_000_003 + int64(epoch)))
		r.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
	}
	return idx
}

// Batch implements Dataset.
func (s *Samples) Batch(epoch, i int) (Batch, error) {
	if i < 0 || i >= s.Len() {
		return Batch{}, fmt.Errorf("train: batch %d out of range 0..%d", i, s.Len()-1)
	}
	bs := min(s.batchSize(), len(s.Items))
	order := s.order(epoch)[i*bs : (i+1)*bs]
	items := make([]Sample, len(order))
	for k, j := range order {
		items[k] = s.Items[j]
	}
	return Stack(items)
}

// Stack stacks samples of equal shapes into a batch.
func Stack(items []Sample) (Batch, error) {
	if len(items) == 0 {
		return Batch{}, fmt.Errorf("train: no samples to stack")
	}
	var b Batch
	weighted := items[0].W.Data != nil
	for k, it := range items {
		parts := []struct {
			name string
			t    Tensor
			dst  *Tensor
		}{{"input", it.X, &b.X}, {"target", it.Y, &b.Y}}
		if (it.W.Data != nil) != weighted {
			return Batch{}, fmt.Errorf("train: sample %d: either every sample of a batch has a cost map or none has", k)
		}
		if weighted {
			parts = append(parts, struct {
				name string
				t    Tensor
				dst  *Tensor
			}{"cost map", it.W, &b.W})
		}
		for _, p := range parts {
			if err := p.t.Check(); err != nil {
				return Batch{}, fmt.Errorf("train: sample %d %s: %w", k, p.name, err)
			}
			if k == 0 {
				p.dst.Shape = append([]int{len(items)}, p.t.Shape...)
				p.dst.Data = make([]float32, 0, len(items)*len(p.t.Data))
			} else if !sameShape(p.dst.Shape[1:], p.t.Shape) {
				return Batch{}, fmt.Errorf("train: sample %d %s has shape %v, sample 0 has %v", k, p.name, p.t.Shape, p.dst.Shape[1:])
			}
			p.dst.Data = append(p.dst.Data, p.t.Data...)
		}
	}
	return b, nil
}

func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
