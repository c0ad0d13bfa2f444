package onnx

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// wireField is one decoded protobuf field: its number, wire type and value
// (v for varint and fixed types, b for length-delimited ones).
type wireField struct {
	num  int
	wire int
	v    uint64
	b    []byte
}

// wireFixed64 is the fixed 64-bit wire type (skipped by the reader).
const wireFixed64 = 1

var errTruncated = errors.New("truncated protobuf")

// readVarint decodes a base-128 varint at the start of b.
func readVarint(b []byte) (uint64, int, error) {
	var v uint64
	for i := 0; i < len(b) && i < 10; i++ {
		v |= uint64(b[i]&0x7f) << (7 * i)
		if b[i] < 0x80 {
			return v, i + 1, nil
		}
	}
	return 0, 0, errTruncated
}

// forFields calls f on every field of the message b, in order.
func forFields(b []byte, f func(wireField) error) error {
	for len(b) > 0 {
		tag, n, err := readVarint(b)
		if err != nil {
			return err
		}
		b = b[n:]
		fd := wireField{num: int(tag >> 3), wire: int(tag & 7)}
		if fd.num <= 0 {
			return fmt.Errorf("protobuf field number %d", fd.num)
		}
		switch fd.wire {
		case wireVarint:
			if fd.v, n, err = readVarint(b); err != nil {
				return err
			}
			b = b[n:]
		case wireFixed64:
			if len(b) < 8 {
				return errTruncated
			}
			fd.v, b = binary.LittleEndian.Uint64(b), b[8:]
		case wireFixed32:
			if len(b) < 4 {
				return errTruncated
			}
			fd.v, b = uint64(binary.LittleEndian.Uint32(b)), b[4:]
		case wireBytes:
			l, n, err := readVarint(b)
			if err != nil {
				return err
			}
			b = b[n:]
			if l > uint64(len(b)) {
				return errTruncated
			}
			fd.b, b = b[:l], b[l:]
		default:
			return fmt.Errorf("protobuf wire type %d (groups) is not supported", fd.wire)
		}
		if err := f(fd); err != nil {
			return err
		}
	}
	return nil
}

// ints appends a repeated int64 field, packed or not.
func (fd wireField) ints(dst []int64) ([]int64, error) {
	switch fd.wire {
	case wireVarint:
		return append(dst, int64(fd.v)), nil
	case wireBytes:
		b := fd.b
		for len(b) > 0 {
			v, n, err := readVarint(b)
			if err != nil {
				return nil, err
			}
			dst, b = append(dst, int64(v)), b[n:]
		}
		return dst, nil
	}
	return nil, fmt.Errorf("field %d: wire type %d for integers", fd.num, fd.wire)
}

// floats appends a repeated float field, packed or not.
func (fd wireField) floats(dst []float32) ([]float32, error) {
	switch fd.wire {
	case wireFixed32:
		return append(dst, math.Float32frombits(uint32(fd.v))), nil
	case wireBytes:
		if len(fd.b)%4 != 0 {
			return nil, fmt.Errorf("field %d: packed floats of %d bytes", fd.num, len(fd.b))
		}
		for i := 0; i < len(fd.b); i += 4 {
			dst = append(dst, math.Float32frombits(binary.LittleEndian.Uint32(fd.b[i:])))
		}
		return dst, nil
	}
	return nil, fmt.Errorf("field %d: wire type %d for floats", fd.num, fd.wire)
}

// str returns a length-delimited field as a string.
func (fd wireField) str() (string, error) {
	if fd.wire != wireBytes {
		return "", fmt.Errorf("field %d: wire type %d for a string", fd.num, fd.wire)
	}
	return string(fd.b), nil
}

// msg returns a length-delimited field's bytes (a sub-message).
func (fd wireField) msg() ([]byte, error) {
	if fd.wire != wireBytes {
		return nil, fmt.Errorf("field %d: wire type %d for a message", fd.num, fd.wire)
	}
	return fd.b, nil
}

// int returns a varint field.
func (fd wireField) int() (int64, error) {
	if fd.wire != wireVarint {
		return 0, fmt.Errorf("field %d: wire type %d for an integer", fd.num, fd.wire)
	}
	return int64(fd.v), nil
}
