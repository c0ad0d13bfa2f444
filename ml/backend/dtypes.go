package backend

import (
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/dtypes/bfloat16"
)

// sliceOf returns a one-element slice of the Go type of dtype holding v (a value as
// returned by dtypes.DType.LowestValue and friends, or a number).
func sliceOf(dtype dtypes.DType, v any) any {
	f := toFloat(v)
	switch dtype {
	case dtypes.Float32:
		return []float32{float32(f)}
	case dtypes.Float64:
		return []float64{f}
	case dtypes.BFloat16:
		return []bfloat16.BFloat16{bfloat16.FromFloat64(f)}
	case dtypes.Int8:
		return []int8{int8(f)}
	case dtypes.Int16:
		return []int16{int16(f)}
	case dtypes.Int32:
		return []int32{int32(f)}
	case dtypes.Int64:
		return []int64{int64(f)}
	case dtypes.Uint8:
		return []uint8{uint8(f)}
	case dtypes.Uint16:
		return []uint16{uint16(f)}
	case dtypes.Uint32:
		return []uint32{uint32(f)}
	case dtypes.Uint64:
		return []uint64{uint64(f)}
	}
	return []float64{f}
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case float32:
		return float64(x)
	case float64:
		return x
	case bfloat16.BFloat16:
		return float64(x.Float32())
	case int:
		return float64(x)
	case int8:
		return float64(x)
	case int16:
		return float64(x)
	case int32:
		return float64(x)
	case int64:
		return float64(x)
	case uint8:
		return float64(x)
	case uint16:
		return float64(x)
	case uint32:
		return float64(x)
	case uint64:
		return float64(x)
	}
	return 0
}
