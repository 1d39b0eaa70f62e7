package integration

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// capturedPlaylist is a playlist SRS 6.0.183 wrote during a publish
// (discontinuity, 2 s segments livestream-0.ts .. livestream-5.ts).
var capturedPlaylist = filepath.Join(srsTestdata, "v6.0.183", "livestream-during.m3u8")

// writeCapturedStream lays out a quiescent stream in <hlsDir>/live/: a
// segment file of pseudo-random bytes (fixed seed per name) for each URI of
// the captured SRS playlist, then the playlist itself, verbatim.
func writeCapturedStream(t *testing.T, hlsDir string) *playlist {
	t.Helper()
	raw, err := os.ReadFile(capturedPlaylist)
	if err != nil {
		t.Fatalf("captured playlist: %v", err)
	}
	pl, err := parsePlaylist(raw)
	if err != nil {
		t.Fatalf("%s: %v", capturedPlaylist, err)
	}
	dir := filepath.Join(hlsDir, streamApp)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, s := range pl.segments {
		writeRandomFile(t, filepath.Join(dir, s.uri), 20000+int(s.seq)*1000, s.seq)
	}
	// Like SRS: the playlist goes to a temp name, then is renamed over.
	tmp := filepath.Join(dir, streamName+".m3u8.temp")
	if err := os.WriteFile(tmp, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, streamName+".m3u8")); err != nil {
		t.Fatal(err)
	}
	return pl
}

// writeRandomFile writes size deterministic pseudo-random bytes.
func writeRandomFile(t *testing.T, name string, size int, seed uint64) {
	t.Helper()
	r := rand.New(rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), 'i', 't', 'e', 's', 't'}))
	b := make([]byte, size)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// waitManifest waits until <hlsDir>/live/livestream.p2p.json parses and
// satisfies cond.
func waitManifest(t *testing.T, hlsDir string, what string, cond func(*manifest) (bool, string)) *manifest {
	t.Helper()
	var m *manifest
	eventually(t, 5*time.Second, what, func() (bool, string) {
		var err error
		m, err = parseManifest(readFileOrNil(hlsDir, manifestRel))
		if err != nil {
			return false, err.Error()
		}
		return cond(m)
	})
	return m
}
