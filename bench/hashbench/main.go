// Command hashbench measures how fast srs-p2p hashes segments, against
// sha256sum in the same run on the same files, and prints the ratio.
//
//	go build -o srs-p2p ./sidecar && go run ./bench/hashbench -bin ./srs-p2p [-dir /dev/shm]
//
// It writes F random files of S bytes as the segments live/bench-N.ts, reads
// them once so the page cache is warm, then times, best of -runs:
//
//   - sha256sum over all files, one exec'd process;
//   - a fresh srs-p2p with hls.hash_workers=1, from the rename of a playlist
//     listing every file to the moment its manifest appears listing them all
//     (a fresh process each run, so its hash cache is cold);
//   - the same with hls.hash_workers=0 (one per CPU), and crypto/sha256 in
//     this process (the ceiling), both for information.
//
// Every manifest's hashes must equal sha256sum's, or it stops with an error.
// It exits non-zero only on errors, never because something was slow.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/webp2p/srs-p2p/bench/internal/benchutil"
)

// options are the command line.
type options struct {
	bin   string
	dir   string
	files int
	size  int64
	runs  int
	keep  bool
}

const (
	maxFiles    = 100_000
	maxFileSize = 256 << 20 // srs-p2p's default hls.max_segment_bytes
	maxRuns     = 20
)

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("hashbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.bin, "bin", "", "path of the srs-p2p binary (required)")
	fs.StringVar(&o.dir, "dir", "", "parent of the work dir (e.g. a tmpfs); default the system temp dir")
	fs.IntVar(&o.files, "files", 256, "number of segment files")
	fs.Int64Var(&o.size, "size", 1<<20, "bytes per segment file")
	fs.IntVar(&o.runs, "runs", 3, "runs of each measurement; the best is reported")
	fs.BoolVar(&o.keep, "keep", false, "keep the work dir afterwards")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	switch {
	case fs.NArg() > 0:
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case o.bin == "":
		return nil, errors.New("-bin is required (build it with: go build -o srs-p2p ./sidecar)")
	case o.files < 1 || o.files > maxFiles:
		return nil, fmt.Errorf("-files must be 1..%d, got %d", maxFiles, o.files)
	case o.size < 1 || o.size > maxFileSize:
		return nil, fmt.Errorf("-size must be 1..%d bytes, got %d", maxFileSize, o.size)
	case o.runs < 1 || o.runs > maxRuns:
		return nil, fmt.Errorf("-runs must be 1..%d, got %d", maxRuns, o.runs)
	}
	return o, nil
}

func main() { benchutil.Main("hashbench", parseFlags, run) }

// run prepares the files, measures, and prints the table to out.
func run(ctx context.Context, o *options, out io.Writer, log *slog.Logger) error {
	w, err := newWorkDir(o.dir, o.files, o.size)
	if err != nil {
		return err
	}
	if !o.keep {
		defer w.remove()
	}
	log.InfoContext(ctx, "hashbench: writing segments", "files", o.files, "bytes", o.size, "dir", w.base, "fs", w.fsType)
	if err := w.writeSegments(); err != nil {
		return err
	}
	if err := w.warm(); err != nil {
		return err
	}
	loadBefore := benchutil.LoadAvg()

	base := result{name: "sha256sum"}
	var want map[string]string
	for range o.runs {
		d, sums, err := runSHA256Sum(ctx, w)
		if err != nil {
			return err
		}
		base.add(d)
		want = sums
	}
	log.InfoContext(ctx, "hashbench: sha256sum done", "best", base.best())
	inproc := result{name: "crypto/sha256 in this process, 1 goroutine"}
	for range o.runs {
		d, err := runGoHash(w, want)
		if err != nil {
			return err
		}
		inproc.add(d)
	}

	one := result{name: "srs-p2p, hash_workers=1"}
	all := result{name: fmt.Sprintf("srs-p2p, hash_workers=0 (%d CPUs)", numCPU())}
	for _, m := range []struct {
		r       *result
		workers int
	}{{&one, 1}, {&all, 0}} {
		for range o.runs {
			d, err := runIndexer(ctx, o.bin, w, m.workers, want)
			if err != nil {
				return fmt.Errorf("%s: %w", m.r.name, err)
			}
			m.r.add(d)
		}
		log.InfoContext(ctx, "hashbench: indexer done", "workers", m.workers, "best", m.r.best())
	}
	printTable(out, w, o.runs, sha256sumVersion(ctx), loadBefore, base, inproc, one, all)
	return nil
}
