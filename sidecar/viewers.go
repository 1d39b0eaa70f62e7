package main

import (
	"log/slog"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/webp2p/srs-p2p/conf"
	"github.com/webp2p/srs-p2p/sidecar/api"
	"github.com/webp2p/srs-p2p/sidecar/dashboard"
	"github.com/webp2p/srs-p2p/sidecar/pingback"
	"github.com/webp2p/srs-p2p/sidecar/player"
)

// startViewerServices starts what faces viewers and operators rather than
// SRS: pingback (before the tracker, which asks it about peers), the
// dashboard and the player page. It returns their routes.
func (a *app) startViewerServices(origin string) ([]api.Mounter, error) {
	var mounts []api.Mounter
	cfg := a.cfg
	if cfg.Pingback.Enabled {
		pb, err := pingback.New(pingbackConfig(cfg, origin, a.log), a.ix)
		if err != nil {
			return nil, err
		}
		a.pingback = pb
		// Per-stream series come and go with the streams: one writer that
		// walks the live ones at scrape time.
		streams := metrics.NewSet()
		streams.RegisterMetricsWriter(pb.WriteStreamMetrics)
		a.sets = append(a.sets, pb.Metrics(), streams)
		mounts = append(mounts, pb)
	}
	if cfg.Dashboard.Enabled {
		d, err := dashboard.New(dashboard.Config{Logger: a.log})
		if err != nil {
			return nil, err
		}
		mounts = append(mounts, d)
	}
	if cfg.Player.Enabled {
		pc := player.Config{PlaylistBase: cfg.Player.PlaylistBase, ServerID: origin, Logger: a.log}
		if cfg.Player.ServeHLS {
			pc.HLSDir = cfg.HLS.Dir
		}
		p, err := player.New(pc)
		if err != nil {
			return nil, err
		}
		a.player = p
		mounts = append(mounts, p)
	}
	return mounts, nil
}

func pingbackConfig(cfg *conf.Config, origin string, log *slog.Logger) pingback.Config {
	return pingback.Config{
		ServerID:         origin,
		Interval:         time.Duration(cfg.Pingback.Interval),
		Rate:             float64(cfg.Pingback.Rate),
		Burst:            cfg.Pingback.Burst,
		TrustProxy:       cfg.Pingback.TrustProxy,
		TokenSecret:      []byte(cfg.Tracker.TokenSecret),
		MaxViewers:       cfg.Pingback.MaxViewers,
		BadPeerReporters: cfg.Pingback.BadPeerReporters,
		BadPeerCooldown:  time.Duration(cfg.Pingback.BadPeerCooldown),
		Logger:           log,
	}
}
