package api

import (
	"net/http"
	"time"

	"github.com/VictoriaMetrics/metrics"
)

func (s *server) healthz(w http.ResponseWriter, r *http.Request) {
	s.writeData(w, map[string]any{
		"status":  "ok",
		"streams": len(s.streams.Streams()),
		"uptime":  time.Since(s.start).Truncate(time.Second).String(),
	})
}

func (s *server) versions(w http.ResponseWriter, r *http.Request) {
	s.writeData(w, map[string]any{"version": s.cfg.Version})
}

// metricsHandler writes every registered metrics set plus Go and process
// metrics in Prometheus text format.
func metricsHandler(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	metrics.WritePrometheus(w, true)
}
