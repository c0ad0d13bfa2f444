package dsl

import (
	"strings"
	"testing"
	"time"
)

// TestLateOutput checks that text a goroutine writes after its cell finished
// reaches the next cell (interpreted fmt and compiled writes alike), and text
// written while a later cell runs reaches that cell.
func TestLateOutput(t *testing.T) {
	if !captureSupported {
		t.Skip("no fd capture on this platform")
	}
	s := newSession(t)
	if err := s.KeepLateOutput(); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, sink1, err := run(t, s, "import (\n\t\"fmt\"\n\t\"os\"\n\t\"time\"\n)\nfmt.Println(\"now\")\n"+
		"go func() {\n\ttime.Sleep(100 * time.Millisecond)\n\tfmt.Println(\"late-interp\")\n\tos.Stderr.WriteString(\"late-compiled\\n\")\n}()")
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(400 * time.Millisecond)
	_, sink2, err := run(t, s, "fmt.Println(\"second\")\ngo func() {\n\ttime.Sleep(50 * time.Millisecond)\n\tfmt.Println(\"during\")\n}()\ntime.Sleep(300 * time.Millisecond)")
	if err != nil {
		t.Fatal(err)
	}
	if got := sink1.stream("stdout"); got != "now\n" {
		t.Errorf("cell 1 stdout %q", got)
	}
	if got, want := sink2.stream("stdout"), "late-interp\nsecond\nduring\n"; got != want {
		t.Errorf("cell 2 stdout %q, want %q", got, want)
	}
	if got := sink2.stream("stderr"); !strings.Contains(got, "late-compiled\n") {
		t.Errorf("cell 2 stderr %q", got)
	}
	// A discarding execution (user expressions) leaves kept output for the next cell.
	run(t, s, "go func() { time.Sleep(50 * time.Millisecond); fmt.Println(\"kept\") }()")
	time.Sleep(200 * time.Millisecond)
	if _, err := s.Execute(t.Context(), "1", DiscardSink{}); err != nil {
		t.Fatal(err)
	}
	_, sink3, _ := run(t, s, "2")
	if got := sink3.stream("stdout"); got != "kept\n" {
		t.Errorf("cell 3 stdout %q", got)
	}
}
