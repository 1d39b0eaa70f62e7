package indexer

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/webp2p/srs-p2p/internal/srslog"
	"github.com/webp2p/srs-p2p/p2pmeta"
)

// fixture is an HLS dir written the way SRS writes it, and an indexer on it.
type fixture struct {
	t   *testing.T
	dir string
	ix  *Indexer
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{t: t, dir: t.TempDir()}
	f.start()
	return f
}

func testConfig(dir string) Config {
	return Config{
		Dir:          dir,
		OriginID:     "test-origin",
		HashWorkers:  2,
		BuildWorkers: 2,
		MaxStreams:   100,
		Live: Live{
			P2P:               p2pmeta.P2P{Trackers: []string{"wss://example.com/p2p/v1/tracker"}, STUN: []string{"stun:example.com:3478"}},
			Retain:            16,
			MaxPlaylistBytes:  1 << 20,
			MaxSegmentBytes:   1 << 30,
			ReconcileInterval: time.Hour, // tests drive events themselves
		},
		Log: srslog.Discard(),
	}
}

func (f *fixture) start() {
	f.t.Helper()
	ix, err := New(testConfig(f.dir))
	if err != nil {
		f.t.Fatal(err)
	}
	f.ix = ix
	f.t.Cleanup(func() {
		if f.ix != nil {
			_ = f.ix.Close()
			f.ix = nil
		}
	})
}

func (f *fixture) restart() {
	f.t.Helper()
	if err := f.ix.Close(); err != nil {
		f.t.Fatal(err)
	}
	f.ix = nil
	f.start()
}

// writeSegment writes rel like SRS: rel.tmp, then rename. It returns the
// content's SHA-256.
func (f *fixture) writeSegment(rel, content string) string {
	f.t.Helper()
	p := filepath.Join(f.dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		f.t.Fatal(err)
	}
	if err := os.WriteFile(p+".tmp", []byte(content), 0o644); err != nil {
		f.t.Fatal(err)
	}
	if err := os.Rename(p+".tmp", p); err != nil {
		f.t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(content))
	return hex.EncodeToString(sum[:])
}

// writePlaylist writes an SRS-style playlist listing names from seq first.
func (f *fixture) writePlaylist(rel string, first int, names ...string) {
	f.t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-MEDIA-SEQUENCE:%d\n#EXT-X-TARGETDURATION:3\n#EXT-X-DISCONTINUITY\n", first)
	for _, n := range names {
		fmt.Fprintf(&b, "#EXTINF:2.000, no desc\n%s\n", n)
	}
	f.writeRaw(rel, b.String())
}

// writeRaw writes a playlist with SRS's .temp + rename.
func (f *fixture) writeRaw(rel, content string) {
	f.t.Helper()
	p := filepath.Join(f.dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		f.t.Fatal(err)
	}
	if err := os.WriteFile(p+".temp", []byte(content), 0o644); err != nil {
		f.t.Fatal(err)
	}
	if err := os.Rename(p+".temp", p); err != nil {
		f.t.Fatal(err)
	}
}

// manifest reads and parses a manifest, or returns nil when it is absent.
func (f *fixture) manifest(rel string) *p2pmeta.Manifest {
	f.t.Helper()
	b, err := os.ReadFile(filepath.Join(f.dir, rel))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		f.t.Fatal(err)
	}
	m, err := p2pmeta.Parse(b)
	if err != nil {
		f.t.Fatalf("manifest %s does not parse: %v\n%s", rel, err, b)
	}
	return m
}

// waitFor polls the manifest at rel until ok accepts it (nil = absent).
func (f *fixture) waitFor(rel string, what string, ok func(m *p2pmeta.Manifest) bool) *p2pmeta.Manifest {
	f.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		m := f.manifest(rel)
		if ok(m) {
			return m
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("timeout waiting for %s: %s; last manifest: %+v", rel, what, m)
		}
		<-tick.C
	}
}

// uris lists a manifest's segment uris.
func uris(m *p2pmeta.Manifest) []string {
	if m == nil {
		return nil
	}
	out := make([]string, 0, len(m.Segments))
	for _, s := range m.Segments {
		out = append(out, s.URI)
	}
	return out
}

func hasURIs(m *p2pmeta.Manifest, want ...string) bool {
	got := uris(m)
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

// oneSegmentStream writes live/livestream with one segment like SRS and
// waits for its manifest.
func (f *fixture) oneSegmentStream() {
	f.t.Helper()
	f.writeSegment("live/livestream-0.ts", "a")
	f.writePlaylist("live/livestream.m3u8", 0, "livestream-0.ts")
	f.ix.PlaylistChanged("live/livestream.m3u8")
	f.waitFor("live/livestream.p2p.json", "written", func(m *p2pmeta.Manifest) bool { return m != nil })
}
