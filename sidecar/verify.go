package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/webp2p/srs-p2p/p2pmeta"
)

// runVerify checks every manifest under dir against the files it lists:
// one line per problem on stdout, exit 1 on any problem.
func runVerify(dir string, stdout, stderr io.Writer) int {
	problems, err := p2pmeta.Verify(dir)
	if err != nil {
		fmt.Fprintf(stderr, "srs-p2p: %v\n", err)
		return 1
	}
	for _, p := range problems {
		fmt.Fprintln(stdout, p.String())
	}
	manifests := countManifests(dir)
	if len(problems) > 0 {
		fmt.Fprintf(stdout, "verify: %d problems in %d manifests under %s\n", len(problems), manifests, dir)
		return 1
	}
	fmt.Fprintf(stdout, "verify: %d manifests under %s ok\n", manifests, dir)
	return 0
}

func countManifests(dir string) int {
	n := 0
	_ = fs.WalkDir(os.DirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, p2pmeta.Suffix) {
			n++
		}
		return nil
	})
	return n
}
