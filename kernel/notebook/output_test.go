package notebook

import (
	"strings"
	"testing"
)

func TestFixControl(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain\n", "plain\n"},
		{"step 1\rstep 2\rstep 3\n", "step 3\n"},
		{"abcdef\rxy\n", "xycdef\n"}, // a carriage return overwrites, as in JupyterLab
		{"abc\r\n", "abc\n"},
		{"a\r\r\rb", "b"},
		{"progress 10%\r", "progress 10%\r"}, // kept: the next text overwrites
		{"abc\b\bX\n", "aX\n"},
		{"\bx", "x"},
		{"one\ntwo\rTWO\nthree", "one\nTWO\nthree"},
		{"héllo\rH", "Héllo"},
	} {
		if got := fixControl(tc.in); got != tc.want {
			t.Errorf("fixControl(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestAppendStreamPieces: text arriving in pieces is stored as if it came whole.
func TestAppendStreamPieces(t *testing.T) {
	for _, tc := range []struct {
		pieces []string
		want   string
	}{
		{[]string{"epoch 1", "\repoch 2", "\repoch 3", "\n", "done\n"}, "epoch 3\ndone\n"},
		{[]string{"50%\r", "100%\r", "\n"}, "100%\n"},
		{[]string{"ab", "\b", "c\n"}, "ac\n"},
		{[]string{"line\n", "x\r", "y"}, "line\ny"},
		{[]string{"000\r0", "0"}, "000"}, // the cursor survives the cut
		{[]string{"abc\r", "\n"}, "abc\n"},
	} {
		var b streamBuf
		got := ""
		for _, p := range tc.pieces {
			got = b.add(p)
		}
		if got != tc.want {
			t.Errorf("pieces %q: got %q, want %q", tc.pieces, got, tc.want)
		}
	}
}

// FuzzAppendStream: splitting a text anywhere gives the same stored stream as
// processing it at once.
func FuzzAppendStream(f *testing.F) {
	f.Add("epoch 1\repoch 2\nloss\b\bX\n", 5)
	f.Add("a\r\nb\rc", 2)
	f.Add("\r\r\b\n", 1)
	f.Fuzz(func(t *testing.T, s string, cutAt int) {
		if cutAt < 0 || cutAt > len(s) {
			return
		}
		whole := fixControl(s)
		var b streamBuf
		b.add(s[:cutAt])
		parts := b.add(s[cutAt:])
		if whole != parts {
			t.Fatalf("%q split at %d: %q vs whole %q", s, cutAt, parts, whole)
		}
		if strings.Contains(strings.TrimSuffix(whole, "\r"), "\r") && !strings.Contains(whole, "\r\n") {
			t.Fatalf("carriage return left inside %q", whole)
		}
	})
}
