package hlswatch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/fsnotify/fsnotify"

	"github.com/webp2p/srs-p2p/internal/srslog"
)

// Sink receives what happened in the HLS dir. Every call comes from the
// Watcher's one goroutine, in event order; an implementation must not block
// long, or the kernel queue overflows and a Rescan follows.
type Sink interface {
	// PlaylistChanged: a final *.m3u8 appeared, was replaced or was written.
	PlaylistChanged(rel string)
	// SegmentAppeared: a final *.ts, *.m4s or *.mp4 appeared, was replaced
	// or was written (a writer that writes in place reports every write).
	SegmentAppeared(rel string)
	// FileRemoved: a final playlist or segment name was removed or renamed away.
	FileRemoved(rel string)
	// DirRemoved: a watched subdirectory and everything below it went away.
	// Never called for the root: losing the root is logged and ends in Rescan.
	DirRemoved(rel string)
	// Rescan: events may have been lost (queue overflow, watch error, root
	// removed); the consumer must re-walk everything it cares about.
	Rescan(reason string)
}

// Config configures a Watcher.
type Config struct {
	Dir string       // the HLS dir; must exist and be a directory
	Log *slog.Logger // nil: discard
}

// Named errors returned by New.
var (
	ErrNoDir   = errors.New("hlswatch: 'dir' is required")
	ErrNotDir  = errors.New("hlswatch: 'dir' is not a directory")
	ErrNilSink = errors.New("hlswatch: sink is required")
)

const (
	// defaultMaxDirs bounds the watched directories: one per app and, for
	// SRS 7 fMP4, one per stream. 100000 is far past any real origin and
	// still a bounded amount of kernel memory (about 1 KiB per watch).
	defaultMaxDirs = 100000
	// eventBuffer is the fsnotify channel size. With the kernel queue
	// (fs.inotify.max_queued_events, 16384 by default) it absorbs a burst
	// of 1000 streams each finishing a segment at once (about 8 events each).
	eventBuffer = 16384
)

// options are the seams tests use; New uses the zero value.
type options struct {
	maxDirs int                                  // 0: defaultMaxDirs
	after   func(time.Duration) <-chan time.Time // nil: time.After
}

// Watcher watches one HLS dir tree. Create it with New, stop it with Close.
type Watcher struct {
	root    string // absolute, symlinks resolved, slash-separated: what relPath strips
	rootOS  string // the same in the OS's own form, for file system calls
	sink    Sink
	log     *slog.Logger
	ctx     context.Context // carries the watcher's context id for every log line
	fw      *fsnotify.Watcher
	m       *watcherMetrics
	maxDirs int
	after   func(time.Duration) <-chan time.Time

	// Owned by the loop goroutine (and by New before it starts it).
	dirs         map[string]map[string]struct{} // watched dir rel -> its watched subdirs
	rescanC      <-chan time.Time               // non-nil while a rescan is pending
	rescanReason string
	limitLogged  bool

	ndirs     atomic.Int64 // len(dirs), readable from any goroutine
	done      chan struct{}
	loopDone  chan struct{}
	closeOnce sync.Once
	closeErr  error
}

// New validates cfg, watches cfg.Dir and every directory below it (not
// following symlinks, skipping hidden directories) before it returns, then
// starts the one goroutine that turns events into Sink calls. Files already
// present are not reported: the consumer does its own startup scan.
func New(cfg Config, sink Sink) (*Watcher, error) {
	return newWatcher(cfg, sink, options{})
}

func newWatcher(cfg Config, sink Sink, opts options) (*Watcher, error) {
	if sink == nil {
		return nil, ErrNilSink
	}
	root, err := resolveDir(cfg.Dir)
	if err != nil {
		return nil, err
	}
	if opts.maxDirs <= 0 {
		opts.maxDirs = defaultMaxDirs
	}
	if opts.after == nil {
		opts.after = time.After
	}
	if cfg.Log == nil {
		cfg.Log = srslog.Discard()
	}
	fw, err := fsnotify.NewBufferedWatcher(eventBuffer)
	if err != nil {
		return nil, fmt.Errorf("hlswatch: create watcher: %w", err)
	}
	w := &Watcher{
		root:     filepath.ToSlash(root),
		rootOS:   root,
		sink:     sink,
		log:      cfg.Log,
		ctx:      srslog.NewContext(context.Background()),
		fw:       fw,
		maxDirs:  opts.maxDirs,
		after:    opts.after,
		dirs:     make(map[string]map[string]struct{}),
		done:     make(chan struct{}),
		loopDone: make(chan struct{}),
	}
	w.m = newWatcherMetrics(func() float64 { return float64(w.ndirs.Load()) })

	// The root is added by hand so that its failure is New's error rather
	// than a log line; the walk then finds it already watched.
	if err := fw.Add(root); err != nil {
		_ = fw.Close()
		return nil, fmt.Errorf("hlswatch: watch %q: %w", root, err)
	}
	w.trackDir("")
	if err := w.walk("", w.addDir, nil); err != nil {
		_ = fw.Close()
		return nil, fmt.Errorf("hlswatch: walk %q: %w", root, err)
	}
	w.log.InfoContext(w.ctx, "hls watcher started", "dir", root, "dirs", w.Dirs())
	go w.run()
	return w, nil
}

// resolveDir returns dir as an absolute path with symlinks resolved, so that
// the walk (which never follows symlinks) starts in the real directory and
// event names always carry the same prefix.
func resolveDir(dir string) (string, error) {
	if dir == "" {
		return "", ErrNoDir
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("hlswatch: 'dir' %q: %w", dir, err)
	}
	resolved, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", fmt.Errorf("hlswatch: 'dir' %q: %w", dir, err)
	}
	info, err := os.Stat(resolved)
	if err != nil {
		return "", fmt.Errorf("hlswatch: 'dir' %q: %w", dir, err)
	}
	if !info.IsDir() {
		return "", fmt.Errorf("%w: %q", ErrNotDir, dir)
	}
	return resolved, nil
}

// run is the one goroutine: it owns dirs and the pending rescan and makes
// every Sink call. It stops when Close closes done.
func (w *Watcher) run() {
	defer close(w.loopDone)
	for {
		select {
		case <-w.done:
			return
		case ev, ok := <-w.fw.Events:
			if !ok {
				return
			}
			w.handleEvent(ev)
		case err, ok := <-w.fw.Errors:
			if !ok {
				return
			}
			w.handleError(err)
		case <-w.rescanC:
			w.rescan()
		}
	}
}

// closing reports whether Close has begun, so that long walks stop early.
func (w *Watcher) closing() bool {
	select {
	case <-w.done:
		return true
	default:
		return false
	}
}

// Close stops the goroutine, waits for it and closes the fsnotify watcher.
// No Sink call happens after Close returns. It is safe to call more than
// once and from several goroutines.
func (w *Watcher) Close() error {
	w.closeOnce.Do(func() {
		close(w.done)
		<-w.loopDone
		w.closeErr = w.fw.Close()
		w.log.InfoContext(w.ctx, "hls watcher stopped", "dir", w.rootOS)
	})
	return w.closeErr
}

// Metrics returns the watcher's own metric set, for the caller to register.
func (w *Watcher) Metrics() *metrics.Set { return w.m.set }

// Dirs returns the number of watched directories, the root included.
func (w *Watcher) Dirs() int { return int(w.ndirs.Load()) }
