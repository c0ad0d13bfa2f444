package onnx

import (
	"bytes"
	"testing"
)

// The protobuf primitives against hand-computed encodings.
func TestWire(t *testing.T) {
	cases := []struct {
		name string
		got  []byte
		want []byte
	}{
		{"varint 1", appendVarint(nil, 1), []byte{0x01}},
		{"varint 300", appendVarint(nil, 300), []byte{0xac, 0x02}},
		{"int field 1 = 8", appendInt(nil, 1, 8), []byte{0x08, 0x08}},
		{"int -1", appendInt(nil, 3, -1), []byte{0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}},
		{"string field 2", appendString(nil, 2, "ab"), []byte{0x12, 0x02, 'a', 'b'}},
		{"float field 2 = 1", appendFloat(nil, 2, 1), []byte{0x15, 0x00, 0x00, 0x80, 0x3f}},
		{"field 20 tag", appendInt(nil, 20, 7), []byte{0xa0, 0x01, 0x07}},
	}
	for _, tc := range cases {
		if !bytes.Equal(tc.got, tc.want) {
			t.Errorf("%s: % x, want % x", tc.name, tc.got, tc.want)
		}
	}
}
