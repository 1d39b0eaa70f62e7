// Command srs-p2p is the sidecar that turns an unchanged SRS origin into
// the origin of a WebP2P live-streaming system: it follows SRS's hooks and
// HLS output and writes a verified P2P manifest next to every playlist.
//
//	srs-p2p [-c conf/srs-p2p.conf]   run
//	srs-p2p -t -c conf/srs-p2p.conf  test the config and exit
//	srs-p2p -v                       print the version
//	srs-p2p verify DIR               check every manifest under DIR against its files
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.0.0-dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
