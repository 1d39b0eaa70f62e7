package tracker

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/webp2p/srs-p2p/sidecar/indexer"
)

// StreamSource lists the live streams (the indexer).
type StreamSource interface {
	Streams() []indexer.StreamInfo
}

// Server is the tracker. It is an http.Handler for GET /p2p/v1/tracker.
type Server struct {
	cfg Config
	src StreamSource
	now func() time.Time
	m   *trackerMetrics

	ctx    context.Context // cancelled by Close; parent of every connection
	cancel context.CancelFunc
	wg     sync.WaitGroup // poller, connection goroutines and writers
	bufs   *bufPool       // read buffers

	mu      sync.Mutex
	closed  bool
	conns   map[*conn]struct{}
	swarms  map[string]*swarm     // by info_hash bytes
	streams map[string]*streamTag // live (or in grace) streams, by info_hash
	// lastRefresh is when an unknown info_hash last made us ask the source.
	lastRefresh time.Time
	offerSeq    uint64
	nextConn    uint64
}

var _ http.Handler = (*Server)(nil)

// maxFrameHeader is the longest WebSocket frame header a client sends.
const maxFrameHeader = 14

// New validates cfg and starts the goroutine that polls streams and expires
// peers. Mount the Server on GET /p2p/v1/tracker.
func New(cfg Config, streams StreamSource) (*Server, error) {
	s, err := newServer(cfg, streams, time.Now)
	if err != nil {
		return nil, err
	}
	s.tick()
	s.wg.Add(1)
	go s.poll()
	return s, nil
}

// newServer builds a Server without its poller: tests drive tick themselves
// with a fake clock.
func newServer(cfg Config, streams StreamSource, now func() time.Time) (*Server, error) {
	if streams == nil {
		return nil, errNoStreamSrc
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	cfg.AllowedOrigins = slices.Clone(cfg.AllowedOrigins)
	cfg.TokenSecret = slices.Clone(cfg.TokenSecret)
	ctx, cancel := context.WithCancel(context.Background())
	return &Server{
		cfg:     cfg,
		src:     streams,
		now:     now,
		m:       newTrackerMetrics(),
		ctx:     ctx,
		cancel:  cancel,
		bufs:    newBufPool(int(cfg.MaxFrameBytes) + maxFrameHeader),
		conns:   map[*conn]struct{}{},
		swarms:  map[string]*swarm{},
		streams: map[string]*streamTag{},
	}, nil
}

// Metrics returns the tracker's metrics (srs_p2p_tracker_*); register it
// once with metrics.RegisterSet.
func (s *Server) Metrics() *metrics.Set { return s.m.set }

// Close closes every connection, stops the poller and waits for all
// goroutines. Calling it again is a no-op.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		if c.served {
			conns = append(conns, c)
		}
	}
	s.mu.Unlock()
	s.cancel()
	for _, c := range conns {
		_ = c.nc.Close() // its goroutine sees the closed socket and ends
	}
	s.wg.Wait()
	return nil
}

func (s *Server) poll() {
	defer s.wg.Done()
	t := time.NewTicker(s.cfg.PollInterval)
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

// tick syncs swarms with the stream source and expires peers and offers.
func (s *Server) tick() {
	list := s.src.Streams()
	now := s.now()
	s.syncStreams(list, now)
	s.sweep(now)
}
