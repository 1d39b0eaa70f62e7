package deploy

import (
	"os"
	"path/filepath"
	"testing"
)

// repoRoot is the parent of this package's directory: the tests run with the
// package dir as working directory.
const repoRoot = ".."

// readRepoFile reads a file of the repository by its slash path from the root.
func readRepoFile(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatalf("read %s: %v", rel, err)
	}
	return b
}

// parseRepoConf parses a shipped config file in SRS/nginx syntax.
func parseRepoConf(t *testing.T, rel string) []*directive {
	t.Helper()
	list, err := parseConf(readRepoFile(t, rel))
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return list
}

// only returns the single directive at path and fails on none or several.
func only(t *testing.T, file string, list []*directive, path ...string) *directive {
	t.Helper()
	found := find(list, path...)
	if len(found) != 1 {
		t.Fatalf("%s: want exactly one %v, found %d", file, path, len(found))
	}
	return found[0]
}

// arg1 returns the single argument of the directive at path.
func arg1(t *testing.T, file string, list []*directive, path ...string) string {
	t.Helper()
	d := only(t, file, list, path...)
	if len(d.args) != 1 {
		t.Fatalf("%s:%d: %v takes one argument, has %q", file, d.line, path, d.args)
	}
	return d.args[0]
}
