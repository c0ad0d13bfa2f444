package onnx

import (
	"encoding/binary"
	"math"
)

// Protobuf wire types used by the encoder.
const (
	wireVarint  = 0
	wireFixed32 = 5
	wireBytes   = 2
)

// appendVarint appends v as a protobuf base-128 varint.
func appendVarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func appendTag(b []byte, field, wire int) []byte {
	return appendVarint(b, uint64(field)<<3|uint64(wire))
}

// appendInt appends an int64 field (negative values as ten-byte two's complement varints).
func appendInt(b []byte, field int, v int64) []byte {
	return appendVarint(appendTag(b, field, wireVarint), uint64(v))
}

// appendBytes appends a length-delimited field (bytes, string or message).
func appendBytes(b []byte, field int, v []byte) []byte {
	b = appendVarint(appendTag(b, field, wireBytes), uint64(len(v)))
	return append(b, v...)
}

func appendString(b []byte, field int, s string) []byte { return appendBytes(b, field, []byte(s)) }

// appendFloat appends a float field (fixed32, little-endian).
func appendFloat(b []byte, field int, f float32) []byte {
	return binary.LittleEndian.AppendUint32(appendTag(b, field, wireFixed32), math.Float32bits(f))
}
