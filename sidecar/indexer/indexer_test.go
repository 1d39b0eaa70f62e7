package indexer

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/webp2p/srs-p2p/hooks"
	"github.com/webp2p/srs-p2p/p2pmeta"
)

const (
	pl = "live/livestream.m3u8"
	mf = "live/livestream.p2p.json"
)

func TestManifestFollowsPlaylist(t *testing.T) {
	f := newFixture(t)
	h0 := f.writeSegment("live/livestream-0.ts", "segment zero")
	f.ix.SegmentAppeared("live/livestream-0.ts")
	f.writePlaylist(pl, 0, "livestream-0.ts")
	f.ix.PlaylistChanged(pl)
	m := f.waitFor(mf, "segment 0", func(m *p2pmeta.Manifest) bool { return hasURIs(m, "livestream-0.ts") })
	s := m.Segments[0]
	if s.Seq != 0 || s.Size != int64(len("segment zero")) || s.SHA256 != h0 || float64(s.Duration) != 2 || !s.Discontinuity {
		t.Fatalf("segment 0 = %+v", s)
	}
	if m.Stream != (p2pmeta.Stream{Vhost: DefaultVhost, App: "live", Name: "livestream"}) || m.Playlist != "livestream.m3u8" {
		t.Fatalf("stream = %+v playlist %q", m.Stream, m.Playlist)
	}
	if !strings.HasPrefix(m.Epoch, "p2p-") || m.SwarmID != "srs-p2p:test-origin/__defaultVhost__/live/livestream/"+m.Epoch {
		t.Fatalf("epoch %q swarm %q", m.Epoch, m.SwarmID)
	}
	if len(m.P2P.Trackers) != 1 || m.P2P.Trackers[0] != "wss://example.com/p2p/v1/tracker" {
		t.Fatalf("p2p = %+v", m.P2P)
	}

	f.writeSegment("live/livestream-1.ts", "segment one")
	f.writeSegment("live/livestream-2.ts", "segment two")
	f.writePlaylist(pl, 1, "livestream-1.ts", "livestream-2.ts")
	f.ix.PlaylistChanged(pl)
	m2 := f.waitFor(mf, "segments 1,2 and retained 0", func(m *p2pmeta.Manifest) bool {
		return hasURIs(m, "livestream-0.ts", "livestream-1.ts", "livestream-2.ts")
	})
	if !m2.Segments[0].Retained || m2.Segments[1].Retained || m2.MediaSequence != 1 || m2.Epoch != m.Epoch {
		t.Fatalf("manifest = %+v", m2)
	}

	// SRS deletes the expired segment: the retained entry goes with it.
	if err := os.Remove(filepath.Join(f.dir, "live/livestream-0.ts")); err != nil {
		t.Fatal(err)
	}
	f.ix.FileRemoved("live/livestream-0.ts")
	f.waitFor(mf, "retained 0 dropped", func(m *p2pmeta.Manifest) bool { return hasURIs(m, "livestream-1.ts", "livestream-2.ts") })

	infos := f.ix.Streams()
	if len(infos) != 1 || infos[0].Playlist != pl || infos[0].Segments != 2 || infos[0].Manifest != mf {
		t.Fatalf("streams = %+v", infos)
	}
	body, _, ok := f.ix.Manifest(mf)
	disk, _ := os.ReadFile(filepath.Join(f.dir, mf))
	if !ok || string(body) != string(disk) {
		t.Fatalf("served manifest differs from the file")
	}
}

func TestDisposeRemovesManifest(t *testing.T) {
	f := newFixture(t)
	f.oneSegmentStream()
	for _, p := range []string{"live/livestream-0.ts", pl} {
		if err := os.Remove(filepath.Join(f.dir, p)); err != nil {
			t.Fatal(err)
		}
		f.ix.FileRemoved(p)
	}
	f.waitFor(mf, "removed", func(m *p2pmeta.Manifest) bool { return m == nil })
	if n := len(f.ix.Streams()); n != 0 {
		t.Fatalf("%d streams after dispose", n)
	}
}

func TestSeqBackwardsStartsNewEpoch(t *testing.T) {
	f := newFixture(t)
	f.writeSegment("live/livestream-5.ts", "five")
	f.writePlaylist(pl, 5, "livestream-5.ts")
	f.ix.PlaylistChanged(pl)
	m1 := f.waitFor(mf, "first", func(m *p2pmeta.Manifest) bool { return hasURIs(m, "livestream-5.ts") })
	f.writeSegment("live/livestream-0.ts", "zero")
	f.writePlaylist(pl, 0, "livestream-0.ts")
	f.ix.PlaylistChanged(pl)
	m2 := f.waitFor(mf, "republished", func(m *p2pmeta.Manifest) bool { return hasURIs(m, "livestream-0.ts") })
	if m2.Epoch == m1.Epoch {
		t.Fatalf("epoch kept across a sequence restart: %s", m2.Epoch)
	}
}

func TestContentChangeStartsNewEpoch(t *testing.T) {
	f := newFixture(t)
	f.writeSegment("live/livestream-0.ts", "old content")
	f.writePlaylist(pl, 0, "livestream-0.ts")
	f.ix.PlaylistChanged(pl)
	m1 := f.waitFor(mf, "first", func(m *p2pmeta.Manifest) bool { return hasURIs(m, "livestream-0.ts") })
	h := f.writeSegment("live/livestream-0.ts", "new content, same name")
	f.writePlaylist(pl, 0, "livestream-0.ts")
	f.ix.PlaylistChanged(pl)
	m2 := f.waitFor(mf, "new content", func(m *p2pmeta.Manifest) bool { return m != nil && m.Segments[0].SHA256 == h })
	if m2.Epoch == m1.Epoch {
		t.Fatal("same epoch for different bytes under one sequence number")
	}
}

func TestRestartKeepsEpochAndBytes(t *testing.T) {
	f := newFixture(t)
	f.writeSegment("live/livestream-0.ts", "zero")
	f.writeSegment("live/livestream-1.ts", "one")
	f.writePlaylist(pl, 0, "livestream-0.ts", "livestream-1.ts")
	f.ix.PlaylistChanged(pl)
	m1 := f.waitFor(mf, "first", func(m *p2pmeta.Manifest) bool { return hasURIs(m, "livestream-0.ts", "livestream-1.ts") })
	before, _ := os.ReadFile(filepath.Join(f.dir, mf))
	f.restart()
	// The startup scan rebuilds: nothing changed, so the file must not.
	f.waitFor(mf, "served again", func(m *p2pmeta.Manifest) bool {
		_, _, ok := f.ix.Manifest(mf)
		return ok
	})
	after, _ := os.ReadFile(filepath.Join(f.dir, mf))
	if string(after) != string(before) {
		t.Fatalf("manifest rewritten after restart:\n%s\n%s", before, after)
	}
	f.writeSegment("live/livestream-2.ts", "two")
	f.writePlaylist(pl, 1, "livestream-1.ts", "livestream-2.ts")
	f.ix.PlaylistChanged(pl)
	m2 := f.waitFor(mf, "continued", func(m *p2pmeta.Manifest) bool { return m != nil && m.MediaSequence == 1 })
	if m2.Epoch != m1.Epoch || m2.SwarmID != m1.SwarmID {
		t.Fatalf("epoch changed across restart: %s -> %s", m1.Epoch, m2.Epoch)
	}
}

func TestRestartDetectsRepublishWhileDown(t *testing.T) {
	f := newFixture(t)
	f.writeSegment("live/livestream-0.ts", "zero")
	f.writePlaylist(pl, 0, "livestream-0.ts")
	f.ix.PlaylistChanged(pl)
	m1 := f.waitFor(mf, "first", func(m *p2pmeta.Manifest) bool { return hasURIs(m, "livestream-0.ts") })
	if err := f.ix.Close(); err != nil {
		t.Fatal(err)
	}
	f.ix = nil
	// SRS 6.0.157 republishes from seq 0 and overwrites the names.
	h := f.writeSegment("live/livestream-0.ts", "zero of the next publish")
	f.writePlaylist(pl, 0, "livestream-0.ts")
	f.start()
	m2 := f.waitFor(mf, "rebuilt", func(m *p2pmeta.Manifest) bool { return m != nil && m.Segments[0].SHA256 == h })
	if m2.Epoch == m1.Epoch {
		t.Fatal("epoch kept although segment 0 has other bytes")
	}
}

func TestHookEpochAndPreviousSession(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.ix.Publish(ctx, hooks.Publish{Vhost: "__defaultVhost__", App: "live", Stream: "livestream", StreamID: "vid-first01", ClientID: "c1"})
	f.writeSegment("live/livestream-0.ts", "zero")
	f.writePlaylist(pl, 0, "livestream-0.ts")
	f.ix.HLS(ctx, hooks.HLS{App: "live", Stream: "livestream", StreamID: "vid-first01", Segment: "live/livestream-0.ts", Playlist: pl})
	m := f.waitFor(mf, "hook epoch", func(m *p2pmeta.Manifest) bool { return hasURIs(m, "livestream-0.ts") })
	if m.Epoch != "vid-first01" || !strings.HasSuffix(m.SwarmID, "/live/livestream/vid-first01") {
		t.Fatalf("epoch %q swarm %q", m.Epoch, m.SwarmID)
	}
	f.ix.Unpublish(ctx, hooks.Publish{App: "live", Stream: "livestream", StreamID: "vid-first01"})
	// As in real life, the old session's files are seconds older than the
	// next on_publish.
	old := time.Now().Add(-time.Minute)
	if err := os.Chtimes(filepath.Join(f.dir, "live/livestream-0.ts"), old, old); err != nil {
		t.Fatal(err)
	}

	// The next publish: the old playlist's segments belong to the old
	// session and are not listed under the new epoch.
	f.ix.Publish(ctx, hooks.Publish{App: "live", Stream: "livestream", StreamID: "vid-second2"})
	f.waitFor(mf, "new epoch, old session excluded", func(m *p2pmeta.Manifest) bool {
		return m != nil && m.Epoch == "vid-second2" && len(m.Segments) == 0
	})
	// A late on_hls of the ended session does not switch back.
	f.ix.HLS(ctx, hooks.HLS{App: "live", Stream: "livestream", StreamID: "vid-first01", Segment: "live/livestream-0.ts", Playlist: pl})
	f.writeSegment("live/livestream-1.ts", "one of the second session")
	f.writePlaylist(pl, 0, "livestream-0.ts", "livestream-1.ts")
	f.ix.PlaylistChanged(pl)
	m2 := f.waitFor(mf, "second session segment", func(m *p2pmeta.Manifest) bool { return hasURIs(m, "livestream-1.ts") })
	if m2.Epoch != "vid-second2" {
		t.Fatalf("epoch %q", m2.Epoch)
	}
}

func TestSymlinkOutsideIsNeverListed(t *testing.T) {
	f := newFixture(t)
	outside := filepath.Join(t.TempDir(), "secret.ts")
	if err := os.WriteFile(outside, []byte("outside the HLS dir"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(f.dir, "live"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(f.dir, "live/livestream-0.ts")); err != nil {
		t.Fatal(err)
	}
	f.writeSegment("live/livestream-1.ts", "inside")
	f.writeRaw(pl, "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-TARGETDURATION:2\n"+
		"#EXTINF:2.000, no desc\nlivestream-0.ts\n#EXTINF:2.000, no desc\n../../etc/passwd.ts\n#EXTINF:2.000, no desc\nlivestream-1.ts\n")
	f.ix.PlaylistChanged(pl)
	m := f.waitFor(mf, "written", func(m *p2pmeta.Manifest) bool { return m != nil })
	if !hasURIs(m, "livestream-1.ts") {
		t.Fatalf("listed %v", uris(m))
	}
}

func TestFMP4InitInStreamSubdir(t *testing.T) {
	f := newFixture(t)
	hi := f.writeSegment("live/livestream/init.mp4", "init segment")
	f.writeSegment("live/livestream-0.m4s", "fragment zero")
	f.writeRaw(pl, "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-TARGETDURATION:3\n#EXT-X-MAP:URI=\"init.mp4\"\n#EXTINF:2.000, no desc\nlivestream-0.m4s\n")
	f.ix.PlaylistChanged(pl)
	m := f.waitFor(mf, "init", func(m *p2pmeta.Manifest) bool { return m != nil && m.Init != nil })
	if m.Init.URI != "livestream/init.mp4" || m.Init.SHA256 != hi || !hasURIs(m, "livestream-0.m4s") {
		t.Fatalf("init %+v segments %v", m.Init, uris(m))
	}
}

func TestOrphanManifestRemovedAtStartup(t *testing.T) {
	f := newFixture(t)
	f.oneSegmentStream()
	if err := f.ix.Close(); err != nil {
		t.Fatal(err)
	}
	f.ix = nil
	// hls_dispose ran while srs-p2p was down.
	if err := os.Remove(filepath.Join(f.dir, pl)); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(f.dir, "live/notours.p2p.json")
	if err := os.WriteFile(other, []byte("operator's file"), 0o644); err != nil {
		t.Fatal(err)
	}
	f.start()
	f.waitFor(mf, "orphan removed", func(m *p2pmeta.Manifest) bool { return m == nil })
	if _, err := os.Stat(other); err != nil {
		t.Fatalf("a file that is not our manifest was removed: %v", err)
	}
}

func TestUpdateRewritesP2PURLs(t *testing.T) {
	f := newFixture(t)
	f.oneSegmentStream()
	live := testConfig(f.dir).Live
	live.P2P.Trackers = []string{"wss://tracker.example.net/t"}
	if err := f.ix.Update(live); err != nil {
		t.Fatal(err)
	}
	f.waitFor(mf, "new trackers", func(m *p2pmeta.Manifest) bool {
		return m != nil && len(m.P2P.Trackers) == 1 && m.P2P.Trackers[0] == "wss://tracker.example.net/t"
	})
}

func TestMaxStreams(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(dir)
	cfg.MaxStreams = 1
	ix, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	f := &fixture{t: t, dir: dir, ix: ix}
	// Real playlists: a stream whose playlist is missing is disposed by its
	// build, which would make the count below depend on timing.
	f.writeSegment("a/one-0.ts", "1")
	f.writePlaylist("a/one.m3u8", 0, "one-0.ts")
	f.writePlaylist("a/two.m3u8", 0, "one-0.ts")
	ix.PlaylistChanged("a/one.m3u8")
	ix.PlaylistChanged("a/two.m3u8")
	f.waitFor("a/one.p2p.json", "the first stream's manifest", func(m *p2pmeta.Manifest) bool { return m != nil })
	ix.mu.Lock()
	n := len(ix.streams)
	ix.mu.Unlock()
	if n != 1 || ix.m.errors("streams_limit").Get() == 0 {
		t.Fatalf("%d streams tracked, max 1; limit hits %d", n, ix.m.errors("streams_limit").Get())
	}
	if m := f.manifest("a/two.p2p.json"); m != nil {
		t.Fatal("a manifest was written for a stream over hls.max_streams")
	}
}

// SRS 6.0.157 restarts at seq 0 on republish: with hooks, that restart is
// the new publish itself, not a reason for yet another epoch.
func TestHookRepublishRestartingAtZeroKeepsHookEpoch(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.ix.Publish(ctx, hooks.Publish{App: "live", Stream: "livestream", StreamID: "vid-rep01"})
	f.writeSegment("live/livestream-4.ts", "four")
	f.writeSegment("live/livestream-5.ts", "five")
	f.writePlaylist(pl, 4, "livestream-4.ts", "livestream-5.ts")
	f.ix.PlaylistChanged(pl)
	f.waitFor(mf, "first publish", func(m *p2pmeta.Manifest) bool { return m != nil && m.Epoch == "vid-rep01" && len(m.Segments) == 2 })
	old := time.Now().Add(-time.Minute)
	for _, p := range []string{"live/livestream-4.ts", "live/livestream-5.ts"} {
		if err := os.Chtimes(filepath.Join(f.dir, p), old, old); err != nil {
			t.Fatal(err)
		}
	}
	f.ix.Unpublish(ctx, hooks.Publish{App: "live", Stream: "livestream", StreamID: "vid-rep01"})
	f.ix.Publish(ctx, hooks.Publish{App: "live", Stream: "livestream", StreamID: "vid-rep02"})
	f.waitFor(mf, "second publish, nothing of it yet", func(m *p2pmeta.Manifest) bool { return m != nil && m.Epoch == "vid-rep02" && len(m.Segments) == 0 })
	h := f.writeSegment("live/livestream-0.ts", "zero of the second publish")
	f.writePlaylist(pl, 0, "livestream-0.ts")
	f.ix.PlaylistChanged(pl)
	m := f.waitFor(mf, "second publish segment", func(m *p2pmeta.Manifest) bool { return hasURIs(m, "livestream-0.ts") })
	if m.Epoch != "vid-rep02" || m.Segments[0].SHA256 != h {
		t.Fatalf("epoch %q segment %+v", m.Epoch, m.Segments[0])
	}
}

// The periodic scan rebuilds only what changed: with a thousand streams a
// rebuild of all of them would push live builds back.
func TestScanSkipsSettledStreams(t *testing.T) {
	f := newFixture(t)
	f.writeSegment("live/livestream-0.ts", "zero")
	f.writePlaylist(pl, 0, "livestream-0.ts")
	f.ix.PlaylistChanged(pl)
	f.waitFor(mf, "written", func(m *p2pmeta.Manifest) bool { return hasURIs(m, "livestream-0.ts") })
	idle := func() bool {
		f.ix.mu.Lock()
		defer f.ix.mu.Unlock()
		st := f.ix.streams[pl]
		return st != nil && st.state == idle && st.settled
	}
	f.waitFor(mf, "settled", func(*p2pmeta.Manifest) bool { return idle() })
	before := f.ix.m.builds.Get()
	f.ix.scan("periodic")
	if n := f.ix.m.builds.Get() - before; n != 0 || !idle() {
		t.Fatalf("scan of a settled stream queued %d builds", n)
	}
	// A change the watcher missed is picked up by the scan.
	f.writeSegment("live/livestream-1.ts", "one")
	f.writePlaylist(pl, 0, "livestream-0.ts", "livestream-1.ts")
	f.ix.scan("periodic")
	f.waitFor(mf, "missed change", func(m *p2pmeta.Manifest) bool { return hasURIs(m, "livestream-0.ts", "livestream-1.ts") })
}

func TestScanRemovesStaleTempFiles(t *testing.T) {
	f := newFixture(t)
	f.oneSegmentStream()
	stale := filepath.Join(f.dir, "live/.livestream.p2p.json.0123456789abcdef.tmp")
	fresh := filepath.Join(f.dir, "live/.livestream.p2p.json.fedcba9876543210.tmp")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte("{"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	f.ix.scan("periodic")
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Fatalf("stale temp file kept: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Fatalf("a temp file that may still be written was removed: %v", err)
	}
}
