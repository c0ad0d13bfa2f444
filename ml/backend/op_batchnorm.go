package backend

import (
	"fmt"

	"github.com/gomlx/gomlx/backends"
)

// bnStats prepares batch-norm arithmetic: the reduced axes, the element count per
// feature, and a function broadcasting a [features] vector onto the operand's shape.
func (c *composer) bnStats(operand backends.Op, featureAxis int) (axes []int, count float64, bcast func(backends.Op) backends.Op, err error) {
	s := c.shape(operand)
	if c.err != nil {
		return nil, 0, nil, c.err
	}
	if featureAxis < 0 || featureAxis >= s.Rank() {
		return nil, 0, nil, fmt.Errorf("batch norm: feature axis %d out of range for shape %s", featureAxis, s)
	}
	axes = allBut(s.Rank(), featureAxis)
	count = float64(s.Size() / s.Dimensions[featureAxis])
	bcast = func(v backends.Op) backends.Op { return c.broadcast(v, s.Dimensions, featureAxis) }
	return axes, count, bcast, nil
}

func (c *composer) mean(x backends.Op, axes []int, count float64) backends.Op {
	sum := c.keep(c.b.ReduceSum(x, axes...))
	dt := c.shape(x).DType
	inv := c.broadcast(c.reshape(c.constant(sliceOf(dt, 1/count), 1)), c.shape(sum).Dimensions)
	return c.binary(c.b.Mul, sum, inv)
}

// rsqrtEps returns 1/sqrt(variance+epsilon).
func (c *composer) rsqrtEps(variance backends.Op, epsilon float32) backends.Op {
	s := c.shape(variance)
	eps := c.broadcast(c.reshape(c.constant(sliceOf(s.DType, float64(epsilon)), 1)), s.Dimensions)
	return c.unary(c.b.Rsqrt, c.binary(c.b.Add, variance, eps))
}

// BatchNormForTraining implements backends.Builder: it normalizes with the batch mean
// and (biased) variance over every axis but featureAxis, and returns them.
func (b *Builder) BatchNormForTraining(operand, scale, offset backends.Op, epsilon float32, featureAxis int) (normalized, batchMean, batchVariance backends.Op, err error) {
	c := &composer{b: b.Builder}
	axes, n, bcast, err := c.bnStats(operand, featureAxis)
	if err != nil {
		return nil, nil, nil, err
	}
	batchMean = c.mean(operand, axes, n)
	centered := c.binary(c.b.Sub, operand, bcast(batchMean))
	batchVariance = c.mean(c.binary(c.b.Mul, centered, centered), axes, n)
	inv := c.rsqrtEps(batchVariance, epsilon)
	normalized = c.binary(c.b.Mul, centered, bcast(c.binary(c.b.Mul, inv, scale)))
	normalized = c.binary(c.b.Add, normalized, bcast(offset))
	return normalized, batchMean, batchVariance, c.err
}

// BatchNormForInference implements backends.Builder with the given mean and variance.
func (b *Builder) BatchNormForInference(operand, scale, offset, mean, variance backends.Op, epsilon float32, featureAxis int) (backends.Op, error) {
	c := &composer{b: b.Builder}
	_, _, bcast, err := c.bnStats(operand, featureAxis)
	if err != nil {
		return nil, err
	}
	inv := c.rsqrtEps(variance, epsilon)
	out := c.binary(c.b.Mul, c.binary(c.b.Sub, operand, bcast(mean)), bcast(c.binary(c.b.Mul, inv, scale)))
	return c.binary(c.b.Add, out, bcast(offset)), c.err
}

// BatchNormGradient implements backends.Builder: the exact gradient of batch
// normalization with respect to operand, scale and offset, given the batch statistics.
func (b *Builder) BatchNormGradient(operand, scale, mean, variance, gradOutput backends.Op, epsilon float32, featureAxis int) (gradOperand, gradScale, gradOffset backends.Op, err error) {
	c := &composer{b: b.Builder}
	axes, n, bcast, err := c.bnStats(operand, featureAxis)
	if err != nil {
		return nil, nil, nil, err
	}
	inv := c.rsqrtEps(variance, epsilon)
	xhat := c.binary(c.b.Mul, c.binary(c.b.Sub, operand, bcast(mean)), bcast(inv))
	gradOffset = c.keep(c.b.ReduceSum(gradOutput, axes...))
	gradScale = c.keep(c.b.ReduceSum(c.binary(c.b.Mul, gradOutput, xhat), axes...))
	// dx = scale*inv * (g - mean(g) - xhat*mean(g*xhat))
	meanG := c.mean(gradOutput, axes, n)
	meanGX := c.mean(c.binary(c.b.Mul, gradOutput, xhat), axes, n)
	inner := c.binary(c.b.Sub, gradOutput, bcast(meanG))
	inner = c.binary(c.b.Sub, inner, c.binary(c.b.Mul, xhat, bcast(meanGX)))
	gradOperand = c.binary(c.b.Mul, inner, bcast(c.binary(c.b.Mul, scale, inv)))
	return gradOperand, gradScale, gradOffset, c.err
}
