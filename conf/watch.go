package conf

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/webp2p/srs-p2p/internal/srslog"
)

// watchDebounce merges the burst of events one save makes (truncate, write,
// rename, chmod) into one reload.
const watchDebounce = 250 * time.Millisecond

// Watcher reports changes of a config file on C. It watches the file's
// parent directory, not the file: editors save by writing a new file and
// renaming it over the old one, and Kubernetes ConfigMaps swap a symlink,
// both of which a watch on the file itself would lose.
type Watcher struct {
	path     string // absolute, cleaned
	target   string // what path resolved to last, to notice symlink swaps
	debounce time.Duration
	fs       *fsnotify.Watcher
	log      *slog.Logger
	ctx      context.Context // carries the watcher's cid for its log lines
	c        chan struct{}
	done     chan struct{}
	wg       sync.WaitGroup

	closeOnce sync.Once
	closeErr  error

	test watchTestHooks
}

// watchTestHooks let tests observe the watcher's decisions instead of
// sleeping. Both are called from the watcher goroutine when set.
type watchTestHooks struct {
	event  func(ev fsnotify.Event, relevant bool) // every event, judged
	signal func(queued bool)                      // every debounced change; false = one was already pending
}

// NewWatcher starts watching path's parent directory. log may be nil.
// Close stops it.
func NewWatcher(path string, log *slog.Logger) (*Watcher, error) {
	return newWatcher(path, log, watchDebounce, watchTestHooks{})
}

func newWatcher(path string, log *slog.Logger, debounce time.Duration, test watchTestHooks) (*Watcher, error) {
	if log == nil {
		log = srslog.Discard()
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("conf: watch %s: %w", path, err)
	}
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("conf: watch %s: %w", path, err)
	}
	if err := fsw.Add(filepath.Dir(abs)); err != nil {
		_ = fsw.Close()
		return nil, fmt.Errorf("conf: watch %s: %w", path, err)
	}
	w := &Watcher{
		path:     abs,
		target:   resolve(abs),
		debounce: debounce,
		fs:       fsw,
		log:      log,
		ctx:      srslog.NewContext(context.Background()),
		c:        make(chan struct{}, 1),
		done:     make(chan struct{}),
		test:     test,
	}
	w.wg.Add(1)
	go w.run()
	return w, nil
}

// C receives one value after the file changed and the events settled. It
// holds at most one pending value: several changes before the reader gets
// to it collapse into one, and the watcher never blocks on a slow reader.
// C is never closed.
func (w *Watcher) C() <-chan struct{} { return w.c }

// Close stops the watcher goroutine, waits for it and releases the inotify
// handle. It is safe to call more than once.
func (w *Watcher) Close() error {
	w.closeOnce.Do(func() {
		close(w.done)
		w.wg.Wait()
		w.closeErr = w.fs.Close()
	})
	return w.closeErr
}

func (w *Watcher) run() {
	defer w.wg.Done()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	var fire <-chan time.Time // nil while no change is pending
	for {
		select {
		case <-w.done:
			return
		case ev, ok := <-w.fs.Events:
			if !ok {
				return
			}
			relevant := w.relevant(ev)
			if w.test.event != nil {
				w.test.event(ev, relevant)
			}
			if relevant {
				timer.Reset(w.debounce) // Go 1.23+ timers: no stale tick survives Reset
				fire = timer.C
			}
		case err, ok := <-w.fs.Errors:
			if !ok {
				return
			}
			w.log.WarnContext(w.ctx, "conf: config watcher error", "path", w.path, "err", err)
		case <-fire:
			fire = nil
			w.log.DebugContext(w.ctx, "conf: config file changed", "path", w.path)
			queued := true
			select {
			case w.c <- struct{}{}:
			default: // a signal is already pending; it covers this change too
				queued = false
			}
			if w.test.signal != nil {
				w.test.signal(queued)
			}
		}
	}
}

// relevant reports whether ev changes the config: an event on the file's
// own name (other than a bare attribute change), or any event after which
// the path resolves elsewhere (a swapped symlink, as in ConfigMaps).
func (w *Watcher) relevant(ev fsnotify.Event) bool {
	if filepath.Clean(ev.Name) == w.path && ev.Op&^fsnotify.Chmod != 0 {
		w.target = resolve(w.path)
		return true
	}
	if t := resolve(w.path); t != w.target {
		w.target = t
		return true
	}
	return false
}

// resolve returns the file path points to after symlinks, or "" if it
// does not resolve (missing, dangling link).
func resolve(path string) string {
	t, err := filepath.EvalSymlinks(path)
	if err != nil {
		return ""
	}
	return t
}
