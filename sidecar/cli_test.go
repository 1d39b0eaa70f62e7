package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runArgs(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestVersion(t *testing.T) {
	if code, out, _ := runArgs(t, "-v"); code != 0 || out != version+"\n" {
		t.Fatalf("-v: exit %d, stdout %q", code, out)
	}
}

func TestConfigTest(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.conf")
	bad := filepath.Join(dir, "bad.conf")
	if err := os.WriteFile(good, []byte(`{"listen": "127.0.0.1:0", "origin_id": "o"} // ok`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte(`{"hls": {"dirr": "x"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runArgs(t, "-t", "-c", good)
	if code != 0 || !strings.Contains(errOut, "syntax is ok") || !strings.Contains(errOut, "test is successful") {
		t.Fatalf("-t good: exit %d\n%s", code, errOut)
	}
	code, _, errOut = runArgs(t, "-t", "-c", bad)
	if code != 1 || !strings.Contains(errOut, "hls.dirr") || !strings.Contains(errOut, "test failed") {
		t.Fatalf("-t bad: exit %d\n%s", code, errOut)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"verify"}, {"verify", "a", "b"}, {"-x"}, {"extra"}} {
		if code, _, _ := runArgs(t, args...); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
	if code, _, _ := runArgs(t, "-h"); code != 0 {
		t.Errorf("-h: exit %d, want 0", code)
	}
}

func TestVerifyEmptyDir(t *testing.T) {
	code, out, _ := runArgs(t, "verify", t.TempDir())
	if code != 0 || out != "verify: 0 manifests, 0 segments ok\n" {
		t.Fatalf("verify: exit %d, %q", code, out)
	}
}
