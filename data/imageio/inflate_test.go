package imageio

import (
	"bytes"
	stdflate "compress/flate"
	"io"
	"math/rand"
	"testing"

	kflate "github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/zlib"
)

// sampleData returns inputs of different statistics for the DEFLATE tests.
func sampleData() map[string][]byte {
	rng := rand.New(rand.NewSource(3))
	random := make([]byte, 70000)
	rng.Read(random)
	smallAlphabet := make([]byte, 100000)
	for i := range smallAlphabet {
		smallAlphabet[i] = byte(rng.Intn(5) * 40)
	}
	image := make([]byte, 2*300*257) // a smooth 16-bit image with noise
	for i := 0; i < len(image)/2; i++ {
		v := uint16(1000 + (i%257)*3 + (i/257)*2 + rng.Intn(20))
		image[2*i], image[2*i+1] = byte(v), byte(v>>8)
	}
	text := bytes.Repeat([]byte("TIFF strips decode to a known size; the output buffer is the window. "), 900)
	return map[string][]byte{
		"empty": {}, "one byte": {42}, "zeros": make([]byte, 300000), "random": random,
		"small alphabet": smallAlphabet, "image": image, "text": text,
	}
}

// TestInflateMatchesReference decodes streams from two independent encoders at
// every level, including stored and Huffman-only blocks.
func TestInflateMatchesReference(t *testing.T) {
	var f inflater
	for name, data := range sampleData() {
		for _, level := range []int{-2, 0, 1, 5, 9} {
			var std, kp bytes.Buffer
			w, _ := stdflate.NewWriter(&std, level)
			w.Write(data)
			w.Close()
			kw, _ := kflate.NewWriter(&kp, level)
			kw.Write(data)
			kw.Close()
			for enc, stream := range map[string][]byte{"compress/flate": std.Bytes(), "klauspost": kp.Bytes()} {
				out := make([]byte, len(data))
				n, ended, used, err := f.inflate(out, stream)
				if err != nil || n != len(data) || !bytes.Equal(out, data) {
					t.Errorf("%s, %s level %d: n=%d err=%v equal=%v", name, enc, level, n, err, bytes.Equal(out, data))
					continue
				}
				if !ended || used != len(stream) {
					t.Errorf("%s, %s level %d: ended=%v used %d of %d bytes", name, enc, level, ended, used, len(stream))
				}
			}
		}
	}
}

func TestInflateZlib(t *testing.T) {
	var f inflater
	data := sampleData()["image"]
	var b bytes.Buffer
	w, _ := zlib.NewWriterLevel(&b, 6)
	w.Write(data)
	w.Close()
	z := b.Bytes()
	out := make([]byte, len(data))
	if err := f.inflateZlib(out, z); err != nil || !bytes.Equal(out, data) {
		t.Fatalf("err=%v equal=%v", err, bytes.Equal(out, data))
	}
	bad := append([]byte(nil), z...)
	bad[len(bad)-1] ^= 1
	if err := f.inflateZlib(out, bad); err == nil || err.Error() != "zlib checksum mismatch" {
		t.Errorf("corrupt checksum: err = %v", err)
	}
	if err := f.inflateZlib(make([]byte, len(data)+1), z); err == nil {
		t.Error("a stream shorter than the buffer was accepted")
	}
	for _, cut := range []int{0, 1, 2, 10, len(z) / 2, len(z) - 5} {
		if err := f.inflateZlib(out, z[:cut]); err == nil {
			t.Errorf("stream cut at %d of %d bytes was accepted", cut, len(z))
		}
	}
	if err := f.inflateZlib(out, []byte{0x78, 0x9c, 0xff, 0xff}); err == nil {
		t.Error("block type 3 accepted")
	}
}

// FuzzInflate checks that arbitrary streams never panic and that whatever both
// decoders accept decodes identically.
func FuzzInflate(f *testing.F) {
	for _, data := range sampleData() {
		if len(data) > 4096 {
			data = data[:4096]
		}
		for _, level := range []int{-2, 0, 6} {
			var b bytes.Buffer
			w, _ := kflate.NewWriter(&b, level)
			w.Write(data)
			w.Close()
			f.Add(b.Bytes(), uint16(len(data)))
		}
	}
	f.Fuzz(func(t *testing.T, stream []byte, size uint16) {
		var inf inflater
		out := make([]byte, size)
		n, _, _, err := inf.inflate(out, stream)
		ref := make([]byte, size)
		rn, rerr := io.ReadFull(kflate.NewReader(bytes.NewReader(stream)), ref)
		if err == nil && rerr == nil && n == int(size) && rn == int(size) && !bytes.Equal(out, ref) {
			t.Fatalf("decoders disagree on %d bytes", size)
		}
	})
}
