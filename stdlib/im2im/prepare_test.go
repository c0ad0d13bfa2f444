package im2im

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/im2im/im2im/data/store"
	"github.com/im2im/im2im/data/synth"
)

// PrepareStore builds what Train reads: run after it, training finds every
// subject stored, and so does a second PrepareStore.
func TestPrepareStoreThenTrain(t *testing.T) {
	data := synthDir(t, synth.Semantic, 4)
	root := t.TempDir()
	c := tinySeg(data, root)
	c.Trainer.Epochs = 1
	rep, err := PrepareStore(context.Background(), c, PrepareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Store != filepath.Join(root, ".store") || rep.Train != 3 || rep.Val != 1 || rep.Built != 4 || rep.Reused != 0 ||
		strings.Join(rep.Cached, ",") != "normalize_percentile" || strings.Join(rep.Random, ",") != "rand_crop_samples,rand_flip,rand_rot90" {
		t.Fatalf("first build: %+v", rep)
	}
	if _, err := Train(c.Data, c.Model, c.Trainer); err != nil {
		t.Fatal(err)
	}
	// Training stored nothing new (a sample keyed differently would be a 5th entry).
	st, err := store.Open(rep.Store, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	complete, incomplete, err := st.Keys()
	st.Close()
	if err != nil || len(complete) != 4 || len(incomplete) != 0 {
		t.Fatalf("store after training: %d complete, %d incomplete, %v", len(complete), len(incomplete), err)
	}
	rep, err = PrepareStore(context.Background(), c, PrepareOptions{})
	if err != nil || rep.Built != 0 || rep.Reused != 4 || rep.Removed != 0 {
		t.Fatalf("after training: %+v %v", rep, err)
	}
	c.Data.Patch.PerImage = -1
	var ve *ValidationError
	if _, err := PrepareStore(context.Background(), c, PrepareOptions{}); !errors.As(err, &ve) || !strings.Contains(err.Error(), "data.patch.per_image") {
		t.Errorf("bad config: %v", err)
	}
}
