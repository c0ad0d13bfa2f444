//go:build linux

package dsl

import (
	"bytes"
	"fmt"
	"os"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"
)

// captureSupported is true where fd 1/2 capture works: interpreted and compiled
// output then share the process's stdout/stderr file descriptors.
const captureSupported = true

// syncMarker is written into both pipes by capture.sync; the readers strip it and
// report that everything written before it has been emitted.
var syncMarker = []byte("\x00\x01im2im-sync\x01\x00")

// capture redirects file descriptors 1 and 2 into pipes while a cell runs and
// emits what arrives, in order per stream, as "stdout"/"stderr" text.
type capture struct {
	saved   [2]int
	pipes   [2]*os.File // read ends
	readers sync.WaitGroup
	synced  [2]chan struct{}
	mu      sync.Mutex // serialises sync calls
}

// startCapture redirects fd 1 and 2; emit receives each piece of output.
func startCapture(emit func(stream, text string)) (*capture, error) {
	c := &capture{saved: [2]int{-1, -1}}
	names := [2]string{"stdout", "stderr"}
	for i, fd := range []int{1, 2} {
		r, w, err := os.Pipe()
		if err != nil {
			c.stop()
			return nil, fmt.Errorf("capture %s: %w", names[i], err)
		}
		saved, err := syscall.Dup(fd)
		if err != nil {
			r.Close()
			w.Close()
			c.stop()
			return nil, fmt.Errorf("capture %s: dup: %w", names[i], err)
		}
		syscall.CloseOnExec(saved) // children get the pipe as fd 1/2, not the real stream
		if i == 0 {
			os.Stdout.Sync()
		} else {
			os.Stderr.Sync()
		}
		if err := syscall.Dup3(int(w.Fd()), fd, 0); err != nil {
			syscall.Close(saved)
			r.Close()
			w.Close()
			c.stop()
			return nil, fmt.Errorf("capture %s: dup3: %w", names[i], err)
		}
		w.Close() // fd 1/2 now hold the only write end
		c.saved[i] = saved
		c.pipes[i] = r
		c.synced[i] = make(chan struct{}, 1)
		c.readers.Add(1)
		go c.read(r, names[i], c.synced[i], emit)
	}
	return c, nil
}

// read forwards pipe r to emit until EOF, keeping UTF-8 sequences and the sync
// marker whole across reads.
func (c *capture) read(r *os.File, name string, synced chan struct{}, emit func(string, string)) {
	defer c.readers.Done()
	defer r.Close()
	var pending []byte
	buf := make([]byte, 32*1024)
	for {
		n, err := r.Read(buf)
		pending = append(pending, buf[:n]...)
		for {
			i := bytes.Index(pending, syncMarker)
			if i < 0 {
				break
			}
			if i > 0 {
				emit(name, string(pending[:i]))
			}
			pending = pending[i+len(syncMarker):]
			synced <- struct{}{}
		}
		keep := markerPrefixLen(pending)
		if keep == 0 {
			keep = incompleteUTF8(pending)
		}
		if err != nil {
			keep = 0
		}
		if out := pending[:len(pending)-keep]; len(out) > 0 {
			emit(name, string(out))
		}
		pending = append([]byte(nil), pending[len(pending)-keep:]...)
		if err != nil {
			return
		}
	}
}

// markerPrefixLen is the length of the longest suffix of b that starts syncMarker.
func markerPrefixLen(b []byte) int {
	for n := min(len(b), len(syncMarker)-1); n > 0; n-- {
		if bytes.Equal(b[len(b)-n:], syncMarker[:n]) {
			return n
		}
	}
	return 0
}

// incompleteUTF8 is the length of a truncated UTF-8 sequence at the end of b.
func incompleteUTF8(b []byte) int {
	for n := 1; n <= 3 && n <= len(b); n++ {
		c := b[len(b)-n]
		if utf8.RuneStart(c) {
			if !utf8.FullRune(b[len(b)-n:]) {
				return n
			}
			return 0
		}
	}
	return 0
}

// sync returns once everything written to fd 1 and 2 before the call has been
// emitted, so that a display output goes out after the text printed before it.
func (c *capture) sync() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, f := range []*os.File{os.Stdout, os.Stderr} {
		if c.saved[i] < 0 {
			continue
		}
		if _, err := f.Write(syncMarker); err != nil {
			continue
		}
		<-c.synced[i]
	}
}

// drainTimeout bounds how long stop waits for the pipes to reach end of file: a
// background process started by the cell (`!cmd &`) may keep a write end open.
const drainTimeout = 2 * time.Second

// stop restores fd 1 and 2 and waits until the pipes are drained.
func (c *capture) stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, fd := range []int{1, 2} {
		if c.saved[i] < 0 {
			continue
		}
		if i == 0 {
			os.Stdout.Sync()
		} else {
			os.Stderr.Sync()
		}
		syscall.Dup3(c.saved[i], fd, 0)
		syscall.Close(c.saved[i])
		c.saved[i] = -1
	}
	done := make(chan struct{})
	go func() {
		c.readers.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(drainTimeout):
		for _, r := range c.pipes {
			if r != nil {
				r.Close() // unblocks the reader; later output is lost
			}
		}
		<-done
	}
}
