package main

import (
	"fmt"
	"io"

	"github.com/webp2p/srs-p2p/p2pmeta"
)

// runVerify checks every manifest under dir against the files it lists:
// one line per problem on stdout, exit 1 on any problem.
func runVerify(dir string, stdout, stderr io.Writer) int {
	r, err := p2pmeta.VerifyDir(dir)
	if err != nil {
		fmt.Fprintf(stderr, "srs-p2p: %v\n", err)
		return 1
	}
	for _, p := range r.Problems {
		fmt.Fprintln(stdout, p.String())
	}
	if len(r.Problems) > 0 {
		fmt.Fprintf(stdout, "verify: %d manifests, %d segments, %d problems\n", r.Manifests, r.Segments, len(r.Problems))
		return 1
	}
	fmt.Fprintf(stdout, "verify: %d manifests, %d segments ok\n", r.Manifests, r.Segments)
	return 0
}
