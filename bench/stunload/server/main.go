// Command server runs srs-p2p's STUN service alone, as its own process, so
// that stunload can read its CPU time from /proc exactly as it does
// coturn's. It prints one line to stdout once every socket is bound,
//
//	udp=127.0.0.1:40001 alt_udp=127.0.0.1:40002 tcp=127.0.0.1:40001
//
// and serves until SIGTERM or SIGINT.
//
// The rate limiter runs (its cost is part of the figure) with a default
// rate no single host reaches: the load generator is one source.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"github.com/webp2p/srs-p2p/internal/srslog"
	"github.com/webp2p/srs-p2p/sidecar/stunserver"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	var cfg stunserver.Config
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Listen, "listen", "127.0.0.1:0", "main STUN address (UDP and TCP)")
	fs.StringVar(&cfg.AltListen, "alt-listen", "127.0.0.1:0", "second UDP address")
	fs.IntVar(&cfg.Sockets, "sockets", 0, "UDP sockets per port (0: GOMAXPROCS)")
	fs.Float64Var(&cfg.Rate, "rate", 1e9, "replies per second per source")
	fs.IntVar(&cfg.Burst, "burst", 1e9, "burst per source")
	fs.StringVar(&cfg.Software, "software", "", "SOFTWARE attribute (default none)")
	floor := fs.Bool("floor", false, "serve as the floor reference instead (see floor.go)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	log := srslog.New(stderr, slog.LevelWarn)
	cfg.Logger = log
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if *floor {
		sockets := cfg.Sockets
		if sockets == 0 {
			sockets = runtime.GOMAXPROCS(0)
		}
		if err := runFloor(ctx, cfg.Listen, sockets, stdout); err != nil {
			log.Error("server: " + err.Error())
			return 1
		}
		return 0
	}
	s, err := stunserver.New(cfg)
	if err != nil {
		log.Error("server: " + err.Error())
		return 1
	}
	a := s.Addrs()
	fmt.Fprintf(stdout, "udp=%s alt_udp=%s tcp=%s\n", a.UDP, a.AltUDP, a.TCP)
	<-ctx.Done()
	if err := s.Close(); err != nil {
		log.Error("server: close: " + err.Error())
		return 1
	}
	return 0
}
