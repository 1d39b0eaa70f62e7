package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/go-chi/chi/v5"

	"github.com/webp2p/srs-p2p/conf"
	"github.com/webp2p/srs-p2p/hooks"
	"github.com/webp2p/srs-p2p/internal/srslog"
	"github.com/webp2p/srs-p2p/p2pmeta"
	"github.com/webp2p/srs-p2p/sidecar/api"
	"github.com/webp2p/srs-p2p/sidecar/hlswatch"
	"github.com/webp2p/srs-p2p/sidecar/indexer"
	"github.com/webp2p/srs-p2p/sidecar/pingback"
	"github.com/webp2p/srs-p2p/sidecar/player"
	"github.com/webp2p/srs-p2p/sidecar/stunserver"
	"github.com/webp2p/srs-p2p/sidecar/tracker"
)

// shutdownGrace bounds how long in-flight HTTP requests may finish.
const shutdownGrace = 5 * time.Second

// app is one running srs-p2p: every service, wired together, owned here.
type app struct {
	confPath string
	cfg      *conf.Config
	log      *slog.Logger
	level    *slog.LevelVar
	ix       *indexer.Indexer
	watcher  *hlswatch.Watcher
	hooks    *hooks.Handler
	stun     *stunserver.Server
	tracker  *tracker.Server
	pingback *pingback.Server
	player   *player.Player
	srv      *http.Server
	served   chan error
	sets     []*metrics.Set
	reloads  *metrics.Set
}

// serve runs srs-p2p until ctx is cancelled (SIGINT/SIGTERM), reloading the
// config on SIGHUP and when the config file changes.
func serve(ctx context.Context, confPath string, cfg *conf.Config, stderr io.Writer) error {
	level := new(slog.LevelVar)
	level.Set(cfg.Log.SlogLevel())
	log := srslog.New(stderr, level)
	ctx = srslog.NewContext(ctx)
	log.InfoContext(ctx, "srs-p2p "+version+" starting", "config", confPath, "pid", os.Getpid(), "settings", cfg.Summary())

	// Watch the file and SIGHUP before the services start, so a change
	// made as soon as "http: listening" is logged is not missed.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	var changed <-chan struct{}
	if confPath != "" {
		w, err := conf.NewWatcher(confPath, log)
		if err != nil {
			log.WarnContext(ctx, "config: cannot watch the file, reload with SIGHUP", "err", err)
		} else {
			defer w.Close()
			changed = w.C()
		}
	}
	a, err := start(ctx, confPath, cfg, log, level)
	if err != nil {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			log.InfoContext(ctx, "srs-p2p: signal received, shutting down")
			return a.close(ctx)
		case <-hup:
			a.reload(ctx, "SIGHUP")
		case <-changed:
			a.reload(ctx, "file changed")
		case err := <-a.served:
			_ = a.close(ctx)
			return fmt.Errorf("http: %w", err)
		}
	}
}

// start builds and starts every service; listeners are bound before it
// returns, so a port in use is reported here.
func start(ctx context.Context, confPath string, cfg *conf.Config, log *slog.Logger, level *slog.LevelVar) (*app, error) {
	origin, err := cfg.Origin()
	if err != nil {
		return nil, err
	}
	a := &app{confPath: confPath, cfg: cfg, log: log, level: level, served: make(chan error, 1), reloads: metrics.NewSet()}
	a.ix, err = indexer.New(indexer.Config{
		Dir:          cfg.HLS.Dir,
		OriginID:     origin,
		HashWorkers:  cfg.HashWorkerCount(),
		BuildWorkers: cfg.BuildWorkerCount(),
		MaxStreams:   cfg.HLS.MaxStreams,
		Live:         liveOf(cfg),
		Log:          log,
	})
	if err != nil {
		return nil, fmt.Errorf("hls.dir: %w", err)
	}
	a.sets = append(a.sets, a.ix.Metrics(), a.reloads)
	if cfg.HLS.Watch {
		a.watcher, err = hlswatch.New(hlswatch.Config{Dir: cfg.HLS.Dir, Log: log}, a.ix)
		if err != nil {
			_ = a.close(ctx)
			return nil, fmt.Errorf("hls.watch: %w", err)
		}
		a.sets = append(a.sets, a.watcher.Metrics())
		// Files written between the indexer's scan and the first watch
		// would otherwise wait for the periodic reconcile.
		a.ix.Rescan("startup")
	}
	var mounts []api.Mounter
	if cfg.Hooks.Enabled {
		a.hooks, err = hooks.New(hooksConfig(cfg), a.ix, log)
		if err != nil {
			_ = a.close(ctx)
			return nil, fmt.Errorf("hooks: %w", err)
		}
		a.sets = append(a.sets, a.hooks.Metrics())
		mounts = append(mounts, a.hooks)
	}
	if cfg.STUN.Enabled {
		a.stun, err = stunserver.New(stunConfig(cfg, log))
		if err != nil {
			_ = a.close(ctx)
			return nil, fmt.Errorf("stun: %w", err)
		}
		a.sets = append(a.sets, a.stun.Metrics())
	}
	viewers, err := a.startViewerServices(origin)
	if err != nil {
		_ = a.close(ctx)
		return nil, err
	}
	mounts = append(mounts, viewers...)
	var swarms api.Swarms
	if cfg.Tracker.Enabled {
		tc := trackerConfig(cfg, log)
		if a.pingback != nil {
			tc.Scorer = a.pingback
		}
		a.tracker, err = tracker.New(tc, a.ix)
		if err != nil {
			_ = a.close(ctx)
			return nil, fmt.Errorf("tracker: %w", err)
		}
		a.sets = append(a.sets, a.tracker.Metrics())
		mounts = append(mounts, trackerRoute{a.tracker})
		swarms = a.tracker
	}
	for _, s := range a.sets {
		metrics.RegisterSet(s)
	}
	apiCfg := api.Config{ServerID: origin, Log: log, Version: version, Swarms: swarms}
	if a.pingback != nil {
		apiCfg.Stats = a.pingback
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		_ = a.close(ctx)
		return nil, fmt.Errorf("listen: %w", err)
	}
	a.srv = &http.Server{
		Handler:           api.NewRouter(apiCfg, a.ix, mounts...),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	go func() {
		if err := a.srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			a.served <- err
		}
	}()
	log.InfoContext(ctx, "http: listening", "addr", ln.Addr().String(), "hooks", cfg.Hooks.Enabled, "watch", cfg.HLS.Watch, "hls_dir", cfg.HLS.Dir, "origin", origin)
	return a, nil
}

// close stops the services in reverse order: no new requests, drain the
// in-flight ones, stop the watcher, then the indexer (manifests stay).
func (a *app) close(ctx context.Context) error {
	var errs []error
	if a.srv != nil {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
		errs = append(errs, a.srv.Shutdown(sctx))
		cancel()
	}
	// Shutdown does not wait for hijacked WebSockets: close them here.
	if a.tracker != nil {
		errs = append(errs, a.tracker.Close())
	}
	if a.stun != nil {
		errs = append(errs, a.stun.Close())
	}
	if a.pingback != nil {
		errs = append(errs, a.pingback.Close())
	}
	if a.player != nil {
		errs = append(errs, a.player.Close())
	}
	if a.watcher != nil {
		errs = append(errs, a.watcher.Close())
	}
	if a.ix != nil {
		errs = append(errs, a.ix.Close())
	}
	for _, s := range a.sets {
		metrics.UnregisterSet(s, true)
	}
	a.log.InfoContext(ctx, "srs-p2p: stopped")
	return errors.Join(errs...)
}

func liveOf(cfg *conf.Config) indexer.Live {
	return indexer.Live{
		P2P:               p2pmeta.P2P{Trackers: cfg.P2P.Trackers, STUN: cfg.P2P.STUN, Pingback: cfg.P2P.Pingback},
		Retain:            cfg.HLS.Retain,
		MaxPlaylistBytes:  int64(cfg.HLS.MaxPlaylistBytes),
		MaxSegmentBytes:   cfg.HLS.MaxSegmentBytes,
		ReconcileInterval: time.Duration(cfg.HLS.ReconcileInterval),
	}
}

func stunConfig(cfg *conf.Config, log *slog.Logger) stunserver.Config {
	return stunserver.Config{
		Listen:    cfg.STUN.Listen,
		AltListen: cfg.STUN.AltListen,
		Sockets:   cfg.STUN.Sockets,
		Rate:      float64(cfg.STUN.Rate),
		Burst:     cfg.STUN.Burst,
		Software:  cfg.STUN.Software,
		Logger:    log,
	}
}

func trackerConfig(cfg *conf.Config, log *slog.Logger) tracker.Config {
	return tracker.Config{
		Interval:           time.Duration(cfg.Tracker.Interval),
		AllowUnknownSwarms: cfg.Tracker.AllowUnknownSwarms,
		AllowedOrigins:     cfg.Tracker.AllowedOrigins,
		TokenSecret:        []byte(cfg.Tracker.TokenSecret),
		MaxConns:           cfg.Tracker.MaxConns,
		MaxPeersPerSwarm:   cfg.Tracker.MaxPeersPerSwarm,
		Logger:             log,
	}
}

// trackerRoute mounts the tracker's WebSocket endpoint.
type trackerRoute struct{ t *tracker.Server }

func (tr trackerRoute) Mount(r chi.Router) { r.Method(http.MethodGet, "/p2p/v1/tracker", tr.t) }

func hooksConfig(cfg *conf.Config) hooks.Config {
	return hooks.Config{
		HLSDir:        cfg.HLS.Dir,
		Allow:         cfg.HooksAllow(),
		Secret:        cfg.Hooks.Secret,
		PublishSecret: cfg.Hooks.PublishSecret,
		MaxBodyBytes:  cfg.Hooks.MaxBodyBytes,
	}
}
