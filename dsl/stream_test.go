package dsl

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestStreamsFromInterpretedAndCompiledCode(t *testing.T) {
	s := newSession(t)
	cell := `import (
	"fmt"
	"log"
	"os"
	"os/exec"
)
fmt.Println("one")
os.Stdout.WriteString("two\n")
fmt.Fprintln(os.Stderr, "err-one")
log.SetFlags(0)
log.Println("err-two")
c := exec.Command("/bin/echo", "three")
c.Stdout = os.Stdout
_ = c.Run()
fmt.Println("four")
display.Markdown("**five**")
fmt.Println("six")`
	_, sink, err := run(t, s, cell)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := sink.stream("stdout"), "one\ntwo\nthree\nfour\nsix\n"; got != want {
		t.Errorf("stdout %q, want %q", got, want)
	}
	if got, want := sink.stream("stderr"), "err-one\nerr-two\n"; got != want {
		t.Errorf("stderr %q, want %q", got, want)
	}
	// The display comes after "four" and before "six".
	var order []string
	for _, e := range sink.events {
		if strings.HasPrefix(e, "stdout:") || e == "display" {
			order = append(order, e)
		}
	}
	joined := strings.Join(order, "|")
	if !strings.Contains(joined, "four\n|display|stdout:six") {
		t.Errorf("display out of order: %q", joined)
	}
	if len(sink.displays) != 1 || sink.displays[0].MIME["text/markdown"] != "**five**" {
		t.Errorf("displays %+v", sink.displays)
	}
}

func TestInputFromSink(t *testing.T) {
	s := newSession(t)
	sink := &recSink{inputs: []string{"Ada 36"}}
	res, err := s.Execute(context.Background(), "import \"fmt\"\nvar name string\nvar age int\nfmt.Print(\"who? \")\nfmt.Scanln(&name, &age)\nfmt.Sprint(name, \"/\", age)", sink)
	if err != nil {
		t.Fatal(err)
	}
	if got := plain(res); got != `"Ada/36"` {
		t.Errorf("result %s", got)
	}
	if got := sink.stream("stdout"); got != "who? " {
		t.Errorf("stdout %q", got)
	}
}

func TestInterruptInterpretedLoop(t *testing.T) {
	s := newSession(t)
	if _, _, err := run(t, s, "n := 0"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := s.Execute(ctx, "for { n++ }", &recSink{})
	var e *Error
	if !errors.As(err, &e) || e.Name != ErrInterrupted {
		t.Fatalf("got %v, want %s", err, ErrInterrupted)
	}
	res, _, err := run(t, s, "n > 0")
	if err != nil || plain(res) != "true" {
		t.Fatalf("state after interrupt: %s %v", plain(res), err)
	}
}

func TestInterruptWaitsForCompiledCall(t *testing.T) {
	s := newSession(t)
	if _, _, err := run(t, s, "import \"time\"\nk := 7"); err != nil {
		t.Fatal(err)
	}
	// time.Sleep ignores the context: Execute must not return before it ends.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := s.Execute(ctx, "time.Sleep(1500 * time.Millisecond)\nk = 8", &recSink{})
	if el := time.Since(start); el < 1400*time.Millisecond {
		t.Errorf("Execute returned after %v, before the compiled call ended", el)
	}
	var e *Error
	if !errors.As(err, &e) || e.Name != ErrInterrupted {
		t.Fatalf("got %v, want %s", err, ErrInterrupted)
	}
	// The statement after the interrupted call never ran.
	res, _, err := run(t, s, "k")
	if err != nil || plain(res) != "7" {
		t.Fatalf("k after interrupt: %s %v", plain(res), err)
	}
}

func TestInterruptCompiledCallHonouringContext(t *testing.T) {
	s := newSession(t)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := s.Execute(ctx, "import \"os/exec\"\nerr := exec.CommandContext(display.Context(), \"/bin/sleep\", \"30\").Run()", &recSink{})
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("interrupt took %v", el)
	}
	var e *Error
	if !errors.As(err, &e) || e.Name != ErrInterrupted {
		t.Fatalf("got %v, want %s", err, ErrInterrupted)
	}
	res, _, err := run(t, s, "2 * 21")
	if err != nil || plain(res) != "42" {
		t.Fatalf("after interrupt: %s %v", plain(res), err)
	}
}

func TestMagics(t *testing.T) {
	s := newSession(t)
	dir := t.TempDir()
	wd, _ := os.Getwd()
	t.Cleanup(func() { os.Chdir(wd) })

	_, sink, err := run(t, s, "%env IM2IM_TEST_VAR=hello\n%cd "+dir+"\nimport \"os\"\nv := os.Getenv(\"IM2IM_TEST_VAR\")\n!echo shell-$IM2IM_TEST_VAR\nw, _ := os.Getwd()\nw")
	if err != nil {
		t.Fatal(err)
	}
	if got := sink.stream("stdout"); got != "shell-hello\n" {
		t.Errorf("stdout %q", got)
	}
	res, _, _ := run(t, s, "v + \" \" + w")
	if want := `"hello ` + dir + `"`; plain(res) != want {
		t.Errorf("env/cd: %s, want %s", plain(res), want)
	}

	_, sink, err = run(t, s, "%%writefile note.txt\nline 1\nline 2\n")
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "note.txt")); err != nil || string(b) != "line 1\nline 2\n" {
		t.Errorf("writefile: %q %v", b, err)
	}

	_, sink, err = run(t, s, "%who")
	if err != nil || !strings.Contains(sink.stream("stdout"), "v\tstring") {
		t.Errorf("who: %q %v", sink.stream("stdout"), err)
	}

	_, sink, err = run(t, s, "%time\nimport \"time\"\ntime.Sleep(20*time.Millisecond)")
	if err != nil || !strings.HasPrefix(sink.stream("stdout"), "time: ") {
		t.Errorf("time: %q %v", sink.stream("stdout"), err)
	}

	_, sink, err = run(t, s, "%help")
	if err != nil || !strings.Contains(sink.stream("stdout"), "%writefile") {
		t.Errorf("help: %q %v", sink.stream("stdout"), err)
	}

	if _, _, err := run(t, s, "%time x := 1"); err == nil || !strings.Contains(err.Error(), "put it alone on a line") {
		t.Errorf("%%time with an argument: %v", err)
	}

	for cell, name := range map[string]string{"!exit 3": ErrShell, "%bogus": ErrMagic, "%%bogus\nx": ErrMagic, "%env =1": ErrMagic} {
		_, _, err := run(t, s, cell)
		var e *Error
		if !errors.As(err, &e) || e.Name != name {
			t.Errorf("%q: got %v, want %s", cell, err, name)
		}
	}

	if _, _, err := run(t, s, "%reset"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := run(t, s, "v"); err == nil {
		t.Error("v still defined after %reset")
	}
	// display stays pre-imported after a reset.
	if _, _, err := run(t, s, "h := display.NewHandle()\nh.Text(\"x\")"); err != nil {
		t.Errorf("display after reset: %v", err)
	}
}

func TestDisplayHandleUpdates(t *testing.T) {
	s := newSession(t)
	_, sink, err := run(t, s, "h := display.NewHandle()\nh.HTML(\"<b>1</b>\")\nh.HTML(\"<b>2</b>\")\ndisplay.SVG(\"<svg/>\")")
	if err != nil {
		t.Fatal(err)
	}
	d := sink.displays
	if len(d) != 3 || d[0].ID == "" || d[0].ID != d[1].ID || d[0].Update || !d[1].Update ||
		d[1].MIME["text/html"] != "<b>2</b>" || d[2].ID != "" || d[2].MIME["image/svg+xml"] != "<svg/>" {
		t.Errorf("displays %+v", d)
	}
}

func TestBackgroundProcessDoesNotHangCell(t *testing.T) {
	s := newSession(t)
	start := time.Now()
	_, sink, err := run(t, s, "!echo before; (sleep 6 &)")
	if err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("cell waited %v for a background process holding its stdout", el)
	}
	if got := sink.stream("stdout"); got != "before\n" {
		t.Errorf("stdout %q", got)
	}
}

func TestInterruptBlockedChannelOps(t *testing.T) {
	s := newSession(t)
	// Interpreted channel operations are cancellable (a compiled blocking call such
	// as sync.WaitGroup.Wait is not: Execute waits for it, by design).
	for _, cell := range []string{"ch := make(chan int)\n<-ch", "select {}", "c2 := make(chan int)\nc2 <- 1"} {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		done := make(chan error, 1)
		go func() {
			_, err := s.Execute(ctx, cell, &recSink{})
			done <- err
		}()
		select {
		case err := <-done:
			var e *Error
			if !errors.As(err, &e) || e.Name != ErrInterrupted {
				t.Errorf("%q: got %v", cell, err)
			}
		case <-time.After(5 * time.Second):
			t.Errorf("%q: not interrupted after 5 s", cell)
		}
		cancel()
	}
}

func TestRealStdoutIsNotCaptured(t *testing.T) {
	if !captureSupported {
		t.Skip("no capture on this platform")
	}
	s := newSession(t)
	sink := &recSink{}
	go func() {
		time.Sleep(100 * time.Millisecond) // while the cell sleeps with fd 1 captured
		RealStdout().WriteString("(RealStdout during a cell: goes to the test's output)\n")
		os.Stdout.WriteString("captured-compiled\n")
	}()
	if _, err := s.Execute(context.Background(), "import \"time\"\ntime.Sleep(400 * time.Millisecond)", sink); err != nil {
		t.Fatal(err)
	}
	if got := sink.stream("stdout"); got != "captured-compiled\n" {
		t.Errorf("cell got %q", got)
	}
}
