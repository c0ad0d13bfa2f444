package kernel

import (
	"context"
	"io"
	"log"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/janpfeifer/gonb/gonbui"

	"github.com/im2im/im2im/stdlib/display"
)

// TestGonbPipe checks that compiled code displaying through GoNB's gonbui reaches
// the running cell's publisher, and that gonbui.Sync is acknowledged.
func TestGonbPipe(t *testing.T) {
	dir := ServeGonbPipe(log.New(io.Discard, "", 0))
	if dir == "" {
		t.Skip("named pipes unavailable")
	}
	if b, err := os.ReadFile(filepath.Join(dir, gonbOwner)); err != nil || string(b) != strconv.Itoa(os.Getpid())+"\n" {
		t.Errorf("the pipe folder's owner file holds %q (%v), want this process's id", b, err)
	}
	var mu sync.Mutex
	var got []display.Data
	detach := display.Attach(context.Background(), func(d display.Data) {
		mu.Lock()
		got = append(got, d)
		mu.Unlock()
	})
	defer detach()
	done := make(chan struct{})
	go func() {
		gonbui.DisplayHTML("<i>from gonbui</i>")
		id := gonbui.UniqueId()
		gonbui.UpdateHTML(id, "v1")
		gonbui.UpdateHTML(id, "v2")
		gonbui.Sync()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("gonbui.Sync was not acknowledged")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 3 || got[0].MIME["text/html"] != "<i>from gonbui</i>" || got[1].Update || !got[2].Update ||
		got[1].ID == "" || got[2].ID != got[1].ID || got[2].MIME["text/html"] != "v2" {
		t.Errorf("displays %+v", got)
	}
}
