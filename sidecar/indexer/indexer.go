// Package indexer keeps one P2P manifest next to every HLS playlist in the
// HLS dir: it parses playlists, hashes segments on a bounded pool as soon as
// they appear, decides the epoch of each stream, and replaces the manifest
// atomically whenever the playlist changes. Events come from the directory
// watcher and from SRS's hooks; both are only hints that a stream should be
// looked at again, so either source alone is enough and together they are
// deduplicated.
package indexer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/webp2p/srs-p2p/internal/srslog"
	"github.com/webp2p/srs-p2p/p2pmeta"
)

// Config of the indexer. Fields in Live can change while it runs.
type Config struct {
	Dir          string // the HLS dir (SRS's hls_path as this process sees it)
	OriginID     string // names this origin in swarm ids
	HashWorkers  int    // concurrent hashers; 0 = number of CPUs
	BuildWorkers int    // concurrent manifest builds; 0 = 4 x CPUs
	MaxStreams   int    // playlists tracked at once
	Live         Live
	Log          *slog.Logger
	Now          func() time.Time // for tests; nil = time.Now
}

// Live holds the settings a config reload applies without a restart.
type Live struct {
	P2P               p2pmeta.P2P   // public URLs put in every manifest
	Retain            int           // segments kept after they leave the playlist
	MaxPlaylistBytes  int64         // larger playlists are refused
	MaxSegmentBytes   int64         // larger segments are not hashed
	ReconcileInterval time.Duration // full rescan period
}

// Errors from New.
var (
	ErrNoDir     = errors.New("indexer: HLS dir is not a directory")
	ErrBadConfig = errors.New("indexer: invalid config")
)

// Indexer owns the manifests of one HLS dir. Create it with New and stop it
// with Close.
type Indexer struct {
	cfg    Config
	live   atomic.Pointer[Live]
	root   *os.Root
	log    *slog.Logger
	now    func() time.Time
	m      *indexMetrics
	hasher *hasher
	reg    *registry

	mu         sync.Mutex
	streams    map[string]*stream // by playlist rel path
	byManifest map[string]*stream // by manifest rel path
	segOwner   map[string]*stream // segment rel path -> stream listing it
	work       chan *stream
	rescan     chan string
	reconfig   chan struct{}
	limitLog   time.Time

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// New validates cfg, opens the HLS dir, scans what is already on disk and
// starts the workers.
func New(cfg Config) (*Indexer, error) {
	if cfg.HashWorkers == 0 {
		cfg.HashWorkers = runtime.NumCPU()
	}
	if cfg.BuildWorkers == 0 {
		cfg.BuildWorkers = 4 * runtime.NumCPU()
	}
	if cfg.HashWorkers < 0 || cfg.BuildWorkers < 0 || cfg.MaxStreams <= 0 {
		return nil, fmt.Errorf("%w: workers and max streams must be positive", ErrBadConfig)
	}
	if err := validLive(cfg.Live); err != nil {
		return nil, err
	}
	if cfg.Log == nil {
		cfg.Log = srslog.Discard()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	fi, err := os.Stat(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("indexer: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("%w: %s", ErrNoDir, cfg.Dir)
	}
	root, err := os.OpenRoot(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("indexer: %w", err)
	}
	ix := &Indexer{
		cfg:        cfg,
		root:       root,
		log:        cfg.Log,
		now:        cfg.Now,
		reg:        newRegistry(cfg.MaxStreams),
		streams:    make(map[string]*stream),
		byManifest: make(map[string]*stream),
		segOwner:   make(map[string]*stream),
		work:       make(chan *stream, cfg.MaxStreams),
		rescan:     make(chan string, 1),
		reconfig:   make(chan struct{}, 1),
	}
	ix.live.Store(&cfg.Live)
	ix.m = newIndexMetrics(ix)
	// Enough cache for every stream's window plus its retained segments.
	ix.hasher = newHasher(root, cfg.HashWorkers, 4096, max(4096, cfg.MaxStreams*64), cfg.Live.MaxSegmentBytes, ix.m)
	ix.ctx, ix.cancel = context.WithCancel(context.Background())
	ix.scan("startup")
	ix.wg.Add(cfg.BuildWorkers + 1)
	for range cfg.BuildWorkers {
		go ix.buildLoop()
	}
	go ix.reconcileLoop()
	return ix, nil
}

func validLive(l Live) error {
	if l.Retain < 0 || l.MaxPlaylistBytes <= 0 || l.MaxSegmentBytes <= 0 || l.ReconcileInterval <= 0 {
		return fmt.Errorf("%w: retain, byte limits and reconcile interval must be positive", ErrBadConfig)
	}
	return nil
}

// Update applies a reloaded config. Manifests are rewritten when what they
// advertise changed.
func (ix *Indexer) Update(l Live) error {
	if err := validLive(l); err != nil {
		return err
	}
	old := ix.live.Swap(&l)
	ix.hasher.maxBytes.Store(l.MaxSegmentBytes)
	select {
	case ix.reconfig <- struct{}{}:
	default:
	}
	if !equalP2P(old.P2P, l.P2P) || old.Retain != l.Retain {
		ix.markAll()
	}
	return nil
}

func equalP2P(a, b p2pmeta.P2P) bool {
	return a.Pingback == b.Pingback && slicesEqual(a.Trackers, b.Trackers) && slicesEqual(a.STUN, b.STUN)
}

func slicesEqual(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Close stops the workers and waits for them. Manifests stay on disk: the
// next run continues them.
func (ix *Indexer) Close() error {
	ix.cancel()
	ix.wg.Wait()
	ix.hasher.close()
	return ix.root.Close()
}

// Metrics returns the indexer's metrics.
func (ix *Indexer) Metrics() *metrics.Set { return ix.m.set }
