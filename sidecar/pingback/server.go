package pingback

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/webp2p/srs-p2p/internal/srslog"
	"github.com/webp2p/srs-p2p/sidecar/indexer"
	"github.com/webp2p/srs-p2p/sidecar/tracker"
)

// StreamSource lists the live streams (the indexer).
type StreamSource interface {
	Streams() []indexer.StreamInfo
}

// tickEvery is how often the stream list is polled; sessions, peers and
// the rate limiter are swept when a new slot starts.
const tickEvery = time.Second

// Server is the pingback service. Mount it on a router; it also answers
// the tracker's PeerScorer questions and the API's StreamStats ones.
type Server struct {
	cfg  Config
	src  StreamSource
	log  *slog.Logger
	m    *serviceMetrics
	lim  *limiter
	warn *warnLimiter
	// okPrefix is the start of every success reply, up to "accepted":.
	okPrefix []byte
	bufs     sync.Pool // *bytes.Buffer for request bodies

	ctx       context.Context // the service's, cancelled by Close
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	closeOnce sync.Once

	mu      sync.RWMutex
	streams map[string]*liveStream // by swarm_id
	// refreshes counts refreshes started on demand; refreshMu lets one run
	// at a time.
	refreshes atomic.Uint64
	refreshMu sync.Mutex
	lastSweep int64 // slot of the last sweep

	// books maps info_hash to the peerBook of a stream with statistics;
	// replaced whole, so the tracker reads it without a lock.
	books atomic.Pointer[map[string]*peerBook]

	scrapeMu sync.Mutex // one WriteStreamMetrics at a time
}

var _ tracker.PeerScorer = (*Server)(nil)

// New validates cfg, reads the stream list once and starts the goroutine
// that polls it and expires old state. Close stops it.
func New(cfg Config, src StreamSource) (*Server, error) {
	s, err := newServer(cfg, src)
	if err != nil {
		return nil, err
	}
	s.tick()
	s.wg.Add(1)
	go s.run()
	return s, nil
}

// newServer builds a Server without its goroutine: tests call tick
// themselves with a fake clock.
func newServer(cfg Config, src StreamSource) (*Server, error) {
	if src == nil {
		return nil, errNoStreamSource
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(srslog.NewContext(context.Background()))
	m := newServiceMetrics()
	lim := newLimiter(cfg.Rate, cfg.Burst, maxLimiterEntries, m.evicted)
	m.watchLimiter(lim)
	serverID, _ := json.Marshal(cfg.ServerID)
	okPrefix := []byte(`{"code":0,"server":` + string(serverID) + `,"data":{"interval_ms":` +
		itoa(cfg.Interval.Milliseconds()) + `,"accepted":`)
	s := &Server{
		cfg:      cfg,
		src:      src,
		log:      cfg.Logger,
		m:        m,
		lim:      lim,
		warn:     newWarnLimiter(cfg.Logger, cfg.Now),
		okPrefix: okPrefix,
		bufs:     sync.Pool{New: func() any { return new(bytes.Buffer) }},
		ctx:      ctx,
		cancel:   cancel,
		streams:  map[string]*liveStream{},
	}
	s.books.Store(&map[string]*peerBook{})
	return s, nil
}

// Close stops the goroutine. Calling it again is a no-op.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.cancel()
		s.wg.Wait()
	})
	return nil
}

func (s *Server) run() {
	defer s.wg.Done()
	t := time.NewTicker(tickEvery)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
			s.tick()
		}
	}
}

// tick syncs with the stream source and, once per slot, forgets what no
// window needs any more.
func (s *Server) tick() {
	list := s.src.Streams()
	now := s.cfg.Now()
	s.syncStreams(list, now)
	slot := slotOf(now)
	s.mu.Lock()
	due := slot != s.lastSweep
	s.lastSweep = slot
	var all []*streamStats
	if due {
		for _, ls := range s.streams {
			if ls.stats != nil {
				all = append(all, ls.stats)
			}
		}
	}
	s.mu.Unlock()
	if !due {
		return
	}
	sessions := 0
	for _, st := range all {
		sessions += st.sweep(now)
	}
	s.m.sessions.Store(int64(sessions))
	s.lim.sweep(now)
}

// Metrics returns the service's metrics (srs_p2p_pingback_*); register it
// once with metrics.RegisterSet.
func (s *Server) Metrics() *metrics.Set { return s.m.set }

// WriteStreamMetrics writes the per-stream series (srs_p2p_stream_*) of
// every stream with statistics, in Prometheus text format, grouped by
// metric name. When a stream was republished and its old epoch is still in
// its grace, only the live epoch is written: one series per stream label.
func (s *Server) WriteStreamMetrics(w io.Writer) {
	s.scrapeMu.Lock()
	defer s.scrapeMu.Unlock()
	now := s.cfg.Now()
	byKey := map[string]*liveStream{}
	s.mu.RLock()
	for _, ls := range s.streams {
		if ls.stats == nil {
			continue
		}
		old := byKey[ls.stats.key]
		if old == nil || preferLive(ls, old) {
			byKey[ls.stats.key] = ls
		}
	}
	chosen := make([]*streamStats, 0, len(byKey))
	for _, ls := range byKey {
		chosen = append(chosen, ls.stats)
	}
	s.mu.RUnlock()
	slices.SortFunc(chosen, func(a, b *streamStats) int { return strings.Compare(a.key, b.key) })
	var buf bytes.Buffer
	for _, st := range chosen {
		st.mu.Lock()
		win := st.windows(now, span60s)[0]
		st.mu.Unlock()
		bad, _ := st.peers.counts(now)
		st.m.setGauges(&win, bad)
		st.m.set.WritePrometheus(&buf)
	}
	writeGrouped(w, buf.Bytes())
}

// preferLive reports whether a should be shown rather than b for the same
// stream label: the listed epoch, else the one whose statistics are newer.
func preferLive(a, b *liveStream) bool {
	if a.endedAt.IsZero() != b.endedAt.IsZero() {
		return a.endedAt.IsZero()
	}
	return a.stats.started.After(b.stats.started)
}

// Bad reports whether the peer (the tracker's 20-byte keys) is in its
// cooldown for hash failures. Safe for concurrent use; takes only the
// stream's peer lock.
func (s *Server) Bad(infoHash, peerID string) bool {
	b := (*s.books.Load())[infoHash]
	return b != nil && b.bad(peerID, s.cfg.Now())
}

// UploadScore is the peer's uploaded bytes per second over about the last
// minute, from its own reports; 0 when unknown.
func (s *Server) UploadScore(infoHash, peerID string) float64 {
	b := (*s.books.Load())[infoHash]
	if b == nil {
		return 0
	}
	return b.uploadRate(peerID, slotOf(s.cfg.Now()))
}
