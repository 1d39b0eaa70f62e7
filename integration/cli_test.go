package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCLI: the SRS-like command line: -v, -t -c, and verify.
func TestCLI(t *testing.T) {
	t.Run("version", func(t *testing.T) {
		res := runCLI(t, nil, "-v")
		if res.code != 0 || !strings.Contains(res.stdout+res.stderr, buildVersion) {
			t.Errorf("-v: exit %d output %q, want exit 0 and %q", res.code, res.stdout+res.stderr, buildVersion)
		}
	})

	t.Run("test good config", func(t *testing.T) {
		conf := writeConf(t, `// srs-p2p config used by the CLI test
{
    "origin_id": "itest", /* the origin's name in swarm ids */
    "hls": {"dir": "`+t.TempDir()+`", "retain": 4},
    "p2p": {"trackers": ["wss://tracker.itest.example/p2p/v1/tracker"]}
}
`)
		res := runCLI(t, nil, "-t", "-c", conf)
		for _, want := range []string{
			"the config file " + conf + " syntax is ok",
			"config file " + conf + " test is successful",
		} {
			if !strings.Contains(res.stderr, want) {
				t.Errorf("-t -c good.conf: stderr lacks %q:\n%s", want, res.stderr)
			}
		}
		if res.code != 0 {
			t.Errorf("-t -c good.conf: exit %d, want 0\n%s", res.code, res.stderr)
		}
	})

	t.Run("test bad config", func(t *testing.T) {
		conf := writeConf(t, `{"hooks": {"alow": ["127.0.0.1"]}}`)
		res := runCLI(t, nil, "-t", "-c", conf)
		if res.code != 1 || !strings.Contains(res.stdout+res.stderr, "hooks.alow") {
			t.Errorf("-t -c bad.conf: exit %d output %q, want exit 1 naming hooks.alow", res.code, res.stdout+res.stderr)
		}
		if strings.Contains(res.stderr, "test is successful") {
			t.Errorf("-t -c bad.conf claims success:\n%s", res.stderr)
		}
	})

	t.Run("verify", func(t *testing.T) {
		hls := t.TempDir()
		pl := writeCapturedStream(t, hls)
		sc := startSidecar(t, "srs-p2p", itestEnv(hls))
		waitManifest(t, hls, "the startup scan to index the captured stream", func(m *manifest) (bool, string) {
			return m.covers(pl)
		})
		sc.stop()

		good := copyTree(t, hls)
		res := runCLI(t, nil, "verify", good)
		if want := "verify: 1 manifests, 6 segments ok"; res.code != 0 || !strings.Contains(res.stdout, want) {
			t.Errorf("verify good copy: exit %d stdout %q, want 0 and %q\nstderr: %s", res.code, res.stdout, want, res.stderr)
		}

		bad := copyTree(t, hls)
		flipByte(t, filepath.Join(bad, streamApp, "livestream-2.ts"))
		if err := os.Remove(filepath.Join(bad, streamApp, "livestream-4.ts")); err != nil {
			t.Fatal(err)
		}
		res = runCLI(t, nil, "verify", bad)
		if res.code != 1 {
			t.Errorf("verify tampered copy: exit %d, want 1\nstdout: %s", res.code, res.stdout)
		}
		var named []string
		for _, line := range strings.Split(res.stdout, "\n") {
			for _, s := range pl.segments {
				if strings.Contains(line, s.uri) {
					named = append(named, s.uri)
				}
			}
		}
		if strings.Join(named, " ") != "livestream-2.ts livestream-4.ts" {
			t.Errorf("verify tampered copy named %v, want one line each for livestream-2.ts and livestream-4.ts\nstdout:\n%s",
				named, res.stdout)
		}

		res = runCLI(t, nil, "verify", filepath.Join(t.TempDir(), "missing"))
		if res.code != 1 {
			t.Errorf("verify of a missing dir: exit %d, want 1", res.code)
		}
	})
}

// writeConf writes a config file in a fresh temp dir and returns its path.
func writeConf(t *testing.T, body string) string {
	t.Helper()
	name := filepath.Join(t.TempDir(), "srs-p2p.conf")
	if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return name
}

// flipByte inverts one byte in the middle of a file, keeping its size.
func flipByte(t *testing.T, name string) {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
