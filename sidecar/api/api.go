// Package api serves srs-p2p's HTTP endpoints other than the hooks: the
// manifests (for deployments where the CDN pulls from srs-p2p rather than
// from the HLS dir), SRS-style JSON about the live streams, health and
// Prometheus metrics.
package api

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/webp2p/srs-p2p/internal/srslog"
	"github.com/webp2p/srs-p2p/sidecar/indexer"
	"github.com/webp2p/srs-p2p/sidecar/tracker"
)

// Streams is what the API needs of the indexer.
type Streams interface {
	Streams() []indexer.StreamInfo
	Manifest(rel string) ([]byte, *indexer.StreamInfo, bool)
}

// Swarms is what the API shows of the tracker: the swarm of every live
// stream epoch (nil when the tracker is off).
type Swarms interface {
	Swarms() []tracker.SwarmStats
}

// StreamStats is what the API shows of the viewers' reports (the pingback
// service), by a stream's swarm_id: ok is false for a stream it does not
// know. Both values are marshalled as JSON as they are.
type StreamStats interface {
	// Summary is the 10 s and 60 s windows, for the stream list.
	Summary(swarmID string) (summary any, ok bool)
	// Detail is the windows and the history, for the stream detail.
	Detail(swarmID string) (detail any, ok bool)
}

// Mounter adds routes of another service (the hooks) to the router.
type Mounter interface {
	Mount(r chi.Router)
}

// Config of the router.
type Config struct {
	ServerID string       // shown as "server" in every JSON reply, like SRS's server id
	Log      *slog.Logger // nil = discard
	Version  string
	Swarms   Swarms      // nil = no tracker
	Stats    StreamStats // nil = no pingback
}

// NewRouter returns the HTTP handler for every endpoint. extra mounts other
// services' routes (nil entries are skipped).
func NewRouter(cfg Config, streams Streams, extra ...Mounter) http.Handler {
	if cfg.Log == nil {
		cfg.Log = srslog.Discard()
	}
	s := &server{cfg: cfg, streams: streams, start: time.Now()}
	r := chi.NewRouter()
	r.Use(withCID, s.recoverer)
	for _, m := range extra {
		if m != nil {
			m.Mount(r)
		}
	}
	r.Get("/p2p/v1/manifests/*", s.manifest)
	r.Options("/p2p/v1/manifests/*", s.preflight)
	r.Get("/api/v1/streams", s.listStreams)
	r.Get("/api/v1/streams/{app}/{stream}", s.streamDetail)
	r.Get("/api/v1/versions", s.versions)
	r.Get("/healthz", s.healthz)
	r.Get("/metrics", metricsHandler)
	r.NotFound(s.notFound)
	r.MethodNotAllowed(s.methodNotAllowed)
	return r
}

type server struct {
	cfg     Config
	streams Streams
	start   time.Time
}

// withCID gives every request a context id for its log lines.
func withCID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(srslog.NewContext(r.Context())))
	})
}

// recoverer turns a panic in a handler into a logged 500 instead of a dead
// connection; http.ErrAbortHandler keeps its meaning.
func (s *server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.cfg.Log.ErrorContext(r.Context(), "api: panic", "path", r.URL.Path, "panic", v)
				writeError(w, http.StatusInternalServerError, codeInternal, "internal error")
			}
		}()
		next.ServeHTTP(w, r)
	})
}
