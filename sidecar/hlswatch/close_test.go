package hlswatch

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

func TestCloseStopsGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	for i := range 3 {
		root := t.TempDir()
		sink := newRecordingSink(t)
		w, err := New(Config{Dir: root}, sink)
		if err != nil {
			t.Fatal(err)
		}
		writeAtomic(t, filepath.Join(root, fmt.Sprintf("s-%d.ts", i)), "x")
		fence(t, sink, root)
		if err := w.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		sink.closed.Store(true)
	}
	eventually(t, fmt.Sprintf("goroutines back to %d", before), func() bool {
		return runtime.NumGoroutine() <= before
	})
}

// TestCloseWhileBusy closes from two goroutines while a writer keeps the
// watcher busy, then once more: every Close returns nil and no Sink call
// happens after.
func TestCloseWhileBusy(t *testing.T) {
	root := filepath.Join(t.TempDir(), "hls")
	mustMkdir(t, root)
	sink := newRecordingSink(t)
	w, err := New(Config{Dir: root}, sink)
	if err != nil {
		t.Fatal(err)
	}

	stop := make(chan struct{})
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			// Not the must* helpers: t.Fatal is for the test goroutine only.
			dir := filepath.Join(root, fmt.Sprintf("d%d", i%4))
			name := filepath.Join(dir, fmt.Sprintf("s-%d.ts", i))
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Error(err)
				return
			}
			if err := os.WriteFile(name+".tmp", []byte("x"), 0o644); err != nil {
				t.Error(err)
				return
			}
			if err := os.Rename(name+".tmp", name); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	sink.waitCall(t, "segment d0/s-0.ts")

	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Go(func() { errs[i] = w.Close() })
	}
	wg.Wait()
	sink.closed.Store(true)
	for i, err := range errs {
		if err != nil {
			t.Errorf("Close #%d: %v", i, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Errorf("third Close: %v", err)
	}
	close(stop)
	<-writerDone
}
