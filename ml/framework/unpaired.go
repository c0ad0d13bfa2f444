package framework

import (
	"fmt"

	"github.com/im2im/im2im/ml/train"
)

// Unpaired serves unpaired data to the trainer: each batch's input X is a
// batch of domain A and its target Y a batch of domain B, drawn by separate
// loaders (own order, own crops). An epoch has A's batches; B's batches are read
// in order and continue into B's next epochs when B has fewer, so every B
// batch is used and B's random crops keep changing.
type Unpaired struct {
	// A and B yield batches whose X holds each domain's images.
	A, B train.Dataset
}

// Len implements train.Dataset.
func (u Unpaired) Len() int { return u.A.Len() }

// Batch implements train.Dataset.
func (u Unpaired) Batch(epoch, i int) (train.Batch, error) {
	a, err := u.A.Batch(epoch, i)
	if err != nil {
		return train.Batch{}, fmt.Errorf("domain A: %w", err)
	}
	nb := u.B.Len()
	if nb == 0 {
		return train.Batch{}, fmt.Errorf("domain B has no batches")
	}
	// B's position in the sequence of its epochs, A's epochs laid end to end.
	perA := (u.A.Len() + nb - 1) / nb
	k := i
	b, err := u.B.Batch(epoch*perA+k/nb, k%nb)
	if err != nil {
		return train.Batch{}, fmt.Errorf("domain B: %w", err)
	}
	n := min(a.X.Shape[0], b.X.Shape[0]) // last validation batches may differ
	return train.Batch{X: leading(a.X, n), Y: leading(b.X, n)}, nil
}

// leading returns the first n items of a batch tensor [N, ...].
func leading(t train.Tensor, n int) train.Tensor {
	if t.Shape[0] == n {
		return t
	}
	per := len(t.Data) / t.Shape[0]
	return train.Tensor{Shape: append([]int{n}, t.Shape[1:]...), Data: t.Data[:n*per]}
}
