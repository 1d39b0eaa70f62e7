package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/webp2p/srs-p2p/sidecar/indexer"
	"github.com/webp2p/srs-p2p/sidecar/tracker"
)

type noStreams struct{}

func (noStreams) Streams() []indexer.StreamInfo { return nil }

// serve runs a tracker open to any swarm (the load uses made-up info
// hashes) with limits raised for load, until SIGTERM or SIGINT.
func serve(ctx context.Context, addr string, stdout io.Writer) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	t, err := tracker.New(tracker.Config{
		AllowUnknownSwarms: true,
		Interval:           announceInterval,
		MaxConns:           100000,
		MaxSwarmsPerConn:   4,
		MessagesPerSecond:  10000,
		ReadTimeout:        time.Minute,
		SendQueue:          256,
	}, noStreams{})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /p2p/v1/tracker", t)
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	fmt.Fprintf(stdout, "addr=%s\n", ln.Addr())
	go func() {
		<-ctx.Done()
		_ = t.Close()
		_ = hs.Close()
	}()
	if err := hs.Serve(ln); err != http.ErrServerClosed {
		return err
	}
	return nil
}
