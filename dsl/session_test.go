package dsl

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/im2im/im2im/stdlib/display"
)

// recSink records everything a cell produces.
type recSink struct {
	mu       sync.Mutex
	events   []string // "stdout:text", "stderr:text", "display"
	displays []display.Data
	inputs   []string
}

func (r *recSink) Stream(name, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if n := len(r.events); n > 0 && strings.HasPrefix(r.events[n-1], name+":") {
		r.events[n-1] += text
		return
	}
	r.events = append(r.events, name+":"+text)
}

func (r *recSink) Display(d display.Data) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.displays = append(r.displays, d)
	r.events = append(r.events, "display")
}

func (r *recSink) Input(prompt string, password bool) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.inputs) == 0 {
		return "", errors.New("no input")
	}
	in := r.inputs[0]
	r.inputs = r.inputs[1:]
	return in, nil
}

func (r *recSink) stream(name string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	for _, e := range r.events {
		if t, ok := strings.CutPrefix(e, name+":"); ok {
			b.WriteString(t)
		}
	}
	return b.String()
}

func newSession(t *testing.T) *Session {
	t.Helper()
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func run(t *testing.T, s *Session, cell string) (Result, *recSink, error) {
	t.Helper()
	sink := &recSink{}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := s.Execute(ctx, cell, sink)
	return res, sink, err
}

func plain(r Result) string {
	if r.Data == nil {
		return "<none>"
	}
	s, _ := r.Data["text/plain"].(string)
	return s
}

func TestStatePersistsAndResults(t *testing.T) {
	s := newSession(t)
	steps := []struct {
		cell, result, stdout string
	}{
		{"x := 40", "<none>", ""},
		{"x + 2", "42", ""},
		{"import \"strings\"\nfunc shout(s string) string { return strings.ToUpper(s) + \"!\" }\ny := shout(\"hi\")\ny", `"HI!"`, ""},
		{"type P struct{ A, B int }\np := P{1, 2}\nfunc (q P) Sum() int { return q.A + q.B }\np.Sum()", "3", ""},
		{"import \"fmt\"\nfmt.Println(\"hello\", x)", "<none>", "hello 40\n"},
		{"fmt.Printf(\"%d\\n\", 7)", "<none>", "7\n"},
		{"var m = map[string]int{}\nm[\"a\"] = 1\nlen(m)", "1", ""},
		{"func nothing() {}\nnothing()", "<none>", ""},
		{"func fails() error { return fmt.Errorf(\"bad\") }\nfails()", "bad", ""},
		{"func fine() error { return nil }\nfine()", "<none>", ""},
		{"for i := 0; i < 3; i++ { x++ }", "<none>", ""},
		{"x", "43", ""},
		{"display.Context() != nil", "true", ""},
	}
	for _, st := range steps {
		res, sink, err := run(t, s, st.cell)
		if err != nil {
			t.Fatalf("cell %q: %v", st.cell, err)
		}
		if got := plain(res); got != st.result {
			t.Errorf("cell %q: result %s, want %s", st.cell, got, st.result)
		}
		if got := sink.stream("stdout"); got != st.stdout {
			t.Errorf("cell %q: stdout %q, want %q", st.cell, got, st.stdout)
		}
	}
}

func TestReimportIsHarmless(t *testing.T) {
	s := newSession(t)
	cells := []string{
		"import \"fmt\"\nfmt.Sprint(1)",
		"import \"fmt\"\nfmt.Sprint(2)",
		"import (\n\t\"fmt\"\n\t\"strings\"\n)\nstrings.Repeat(fmt.Sprint(3), 2)",
		"import (\n\t\"fmt\"\n\t\"strings\"\n)\nstrings.Repeat(fmt.Sprint(4), 2)",
		"import \"display\"\nimport \"strconv\"\nstrconv.Itoa(5)",
		"import (\n\t\"fmt\"\n)\nprintln(fmt.Sprint(1) + nope)",
	}
	want := []string{`"1"`, `"2"`, `"33"`, `"44"`, `"5"`}
	for i, c := range cells[:5] {
		res, _, err := run(t, s, c)
		if err != nil || plain(res) != want[i] {
			t.Errorf("cell %d: %s %v", i, plain(res), err)
		}
	}
	// Positions stay right after blanking a re-import.
	_, _, err := run(t, s, cells[5])
	var e *Error
	if !errors.As(err, &e) || e.Line != 4 || e.Col != 25 {
		t.Errorf("error after re-import: %v", err)
	}
}
