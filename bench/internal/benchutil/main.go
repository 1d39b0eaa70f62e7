package benchutil

import (
	"context"
	"errors"
	"flag"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/webp2p/srs-p2p/internal/srslog"
)

// Main is the main function of a bench program: parse the flags, run until
// done or SIGINT/SIGTERM, log the error in SRS's format and exit 2 for bad
// flags, 1 for a failed run, 0 otherwise.
func Main[O any](name string, parse func([]string, io.Writer) (O, error), run func(context.Context, O, io.Writer, *slog.Logger) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	ctx = srslog.NewContext(ctx)
	log := srslog.New(os.Stderr, slog.LevelInfo)
	code := 0
	o, err := parse(os.Args[1:], os.Stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
	case err != nil:
		log.ErrorContext(ctx, name+": "+err.Error())
		code = 2
	default:
		if err := run(ctx, o, os.Stdout, log); err != nil {
			log.ErrorContext(ctx, name+": "+err.Error())
			code = 1
		}
	}
	stop()
	os.Exit(code)
}
