package onnx

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"strings"
)

// writeNPY writes float32 values of the given dims as a version-1 .npy file (C order).
func writeNPY(path string, dims []int, v []float32) error {
	shape := make([]string, len(dims))
	for i, d := range dims {
		shape[i] = fmt.Sprint(d)
	}
	tuple := strings.Join(shape, ", ")
	if len(dims) == 1 {
		tuple += ","
	}
	header := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }", tuple)
	pad := 64 - (10+len(header)+1)%64
	header += strings.Repeat(" ", pad%64) + "\n"
	var b bytes.Buffer
	b.WriteString("\x93NUMPY\x01\x00")
	_ = binary.Write(&b, binary.LittleEndian, uint16(len(header)))
	b.WriteString(header)
	_ = binary.Write(&b, binary.LittleEndian, v)
	return os.WriteFile(path, b.Bytes(), 0o644)
}
