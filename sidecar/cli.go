package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/webp2p/srs-p2p/conf"
)

// options are the command line, SRS style.
type options struct {
	confPath  string
	test      bool
	version   bool
	verifyDir string
}

func parseArgs(args []string, stderr io.Writer) (*options, error) {
	if len(args) > 0 && args[0] == "verify" {
		if len(args) != 2 {
			return nil, errors.New("usage: srs-p2p verify DIR")
		}
		return &options{verifyDir: args[1]}, nil
	}
	o := &options{}
	fs := flag.NewFlagSet("srs-p2p", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.confPath, "c", "", "config file (JSON with comments); empty = built-in defaults and SRS_P2P_* env")
	fs.BoolVar(&o.test, "t", false, "test the config file and exit")
	fs.BoolVar(&o.version, "v", false, "print the version and exit")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: srs-p2p [-c FILE] [-t] [-v]\n       srs-p2p verify DIR\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return o, nil
}

// run is main without the process: it returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseArgs(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "srs-p2p: %v\n", err)
		return 2
	}
	switch {
	case o.version:
		fmt.Fprintln(stdout, version)
		return 0
	case o.verifyDir != "":
		return runVerify(o.verifyDir, stdout, stderr)
	}
	cfg, err := conf.Load(o.confPath)
	if err == nil {
		_, err = cfg.Origin()
	}
	name := o.confPath
	if name == "" {
		name = "(built-in defaults)"
	}
	if err != nil {
		fmt.Fprintf(stderr, "srs-p2p: %v\n", err)
		if o.test {
			fmt.Fprintf(stderr, "config file %s test failed\n", name)
		}
		return 1
	}
	if o.test {
		fmt.Fprintf(stderr, "the config file %s syntax is ok\n", name)
		fmt.Fprintf(stderr, "config file %s test is successful\n", name)
		return 0
	}
	if err := serve(ctx, o.confPath, cfg, stderr); err != nil {
		fmt.Fprintf(stderr, "srs-p2p: %v\n", err)
		return 1
	}
	return 0
}
