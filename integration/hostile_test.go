package integration

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Secrets of the hostile test; the log must never contain them.
const (
	hookSecret    = "itest-hook-secret-5f1c"
	publishSecret = "itest-publish-secret-9a7e"
)

// hostileSetup is a quiescent HLS dir with a way out planted in it, and a
// canary outside it whose content must never reach a manifest.
type hostileSetup struct {
	hls, outside string
	canary       string // absolute path of outside/canary.ts
	canarySum    string
}

// newHostileSetup lays out, under one temp root:
//
//	hls/live/link.ts -> outside/canary.ts  symlinked segment
//	hls/live/linked.m3u8                   lists linked-0.ts and link.ts
//	hls/live/escape.m3u8                   lists ../../outside/canary.ts and its absolute path
//	hls/evil -> outside                    symlinked directory
//	outside/canary.ts, outside/evil.m3u8   never to be read into or written next to
func newHostileSetup(t *testing.T) *hostileSetup {
	t.Helper()
	root := t.TempDir()
	s := &hostileSetup{hls: filepath.Join(root, "hls"), outside: filepath.Join(root, "outside")}
	must(t, os.MkdirAll(s.outside, 0o755))
	must(t, os.MkdirAll(filepath.Join(s.hls, streamApp), 0o755))
	s.canary = filepath.Join(s.outside, "canary.ts")
	writeRandomFile(t, s.canary, 30000, 0xca)
	var err error
	if _, s.canarySum, err = hashFile(s.canary); err != nil {
		t.Fatal(err)
	}
	live := filepath.Join(s.hls, streamApp)
	writeRandomFile(t, filepath.Join(live, "linked-0.ts"), 25000, 0x11)
	must(t, os.Symlink(s.canary, filepath.Join(live, "link.ts")))
	must(t, os.Symlink(s.outside, filepath.Join(s.hls, "evil")))
	must(t, os.WriteFile(filepath.Join(live, "linked.m3u8"), []byte(mediaPlaylist("linked-0.ts", "link.ts")), 0o644))
	must(t, os.WriteFile(filepath.Join(live, "escape.m3u8"), []byte(mediaPlaylist("../../outside/canary.ts", s.canary)), 0o644))
	must(t, os.WriteFile(filepath.Join(s.outside, "evil.m3u8"), []byte(mediaPlaylist("canary.ts")), 0o644))
	return s
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// mediaPlaylist is an SRS-style playlist of 2 s segments starting at seq 0.
func mediaPlaylist(uris ...string) string {
	var b strings.Builder
	b.WriteString("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-TARGETDURATION:2\n")
	for _, u := range uris {
		b.WriteString("#EXTINF:2.000, no desc\n" + u + "\n")
	}
	return b.String()
}

// outsideListing describes every file outside the HLS dir, to prove none
// was created or changed.
func (s *hostileSetup) outsideListing(t *testing.T) string {
	t.Helper()
	entries, err := os.ReadDir(s.outside)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %d %s\n", e.Name(), info.Size(), info.ModTime().Format(time.RFC3339Nano))
	}
	return b.String()
}

// hookFailure requires a 4xx reply `{"code":N,"data":"reason"}`.
func hookFailure(status int, body []byte, wantStatus, wantCode int) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var r struct {
		Code *int   `json:"code"`
		Data string `json:"data"`
	}
	if err := dec.Decode(&r); err != nil || r.Code == nil {
		return fmt.Errorf("status %d body %q: not {\"code\":N,\"data\":...} (%v)", status, body, err)
	}
	if status != wantStatus || *r.Code != wantCode || r.Data == "" {
		return fmt.Errorf("status %d code %d data %q, want status %d code %d and a reason", status, *r.Code, r.Data, wantStatus, wantCode)
	}
	return nil
}

// TestHostileHooks: hooks that try to leave the HLS dir, overflow, lie
// about their format, or lack the secrets are refused with the documented
// code and change nothing; playlists and symlinks pointing outside never
// put outside content into a manifest or a file outside the dir.
func TestHostileHooks(t *testing.T) {
	const streamID = "vid-hostile"
	s := newHostileSetup(t)
	before := s.outsideListing(t)
	hooks := loadSRSHooks(t)
	env := itestEnv(s.hls)
	env["SRS_P2P_HOOKS_SECRET"] = hookSecret
	env["SRS_P2P_HOOKS_PUBLISH_SECRET"] = publishSecret
	env["SRS_P2P_HOOKS_MAX_BODY_BYTES"] = "2048"
	env["SRS_P2P_HLS_RECONCILE_INTERVAL"] = "1s"
	sc := startSidecar(t, "srs-p2p", env)
	mons := []*monitor{
		startMonitor(t, s.hls, playlistRel),
		startMonitor(t, s.hls, streamApp+"/linked.m3u8"),
		startMonitor(t, s.hls, streamApp+"/escape.m3u8"),
	}

	q := "?secret=" + hookSecret
	status, reply := sc.postHook("/api/v1/hooks/on_publish"+q, hooks.onPublish(streamID, "?secret="+publishSecret+"&token=abc123"))
	if status != http.StatusOK || string(reply) != hookOK {
		t.Fatalf("authorized on_publish: %d %s", status, reply)
	}
	// Then SRS writes the stream. (Files written before on_publish belong
	// to the previous publish: the new epoch rightly lists none of them.)
	pl := writeCapturedStream(t, s.hls)
	waitManifest(t, s.hls, "the manifest of the published stream", func(m *manifest) (bool, string) {
		if ok, why := m.covers(pl); !ok {
			return false, why
		}
		return m.Epoch == streamID, "epoch " + m.Epoch
	})
	settled := waitSettled(t, mons[0])

	hls := func(mut func(o *orderedObject)) []byte {
		o := hooks.onHLS(streamID, 3, 2, "livestream-3.ts")
		if mut != nil {
			mut(&o)
		}
		return o.bytes()
	}
	big := hooks.onHLS(streamID, 3, 2, "livestream-3.ts")
	big.set("param", "?pad="+strings.Repeat("x", 3000))
	for _, tc := range []struct {
		name                string
		method, path, ctype string
		body                []byte
		status, code        int
	}{
		{"no secret", "POST", "/api/v1/hooks/on_hls", "application/json", hls(nil), 403, 4012},
		{"wrong secret", "POST", "/api/v1/hooks/on_hls?secret=wrong", "application/json", hls(nil), 403, 4012},
		{"unpublish wrong secret", "POST", "/api/v1/hooks/on_unpublish?secret=" + publishSecret, "application/json", hooks.onUnpublish(streamID, ""), 403, 4012},
		{"publish without publish secret", "POST", "/api/v1/hooks/on_publish" + q, "application/json", hooks.onPublish("vid-intruder", "?token=abc123"), 403, 4013},
		{"publish wrong publish secret", "POST", "/api/v1/hooks/on_publish" + q, "application/json", hooks.onPublish("vid-intruder", "?secret="+hookSecret), 403, 4013},
		{"url traversal", "POST", "/api/v1/hooks/on_hls" + q, "application/json", hls(func(o *orderedObject) { o.set("url", "../outside/canary.ts") }), 400, 4014},
		{"url inner traversal", "POST", "/api/v1/hooks/on_hls" + q, "application/json", hls(func(o *orderedObject) { o.set("url", "live/../../outside/canary.ts") }), 400, 4014},
		{"url absolute", "POST", "/api/v1/hooks/on_hls" + q, "application/json", hls(func(o *orderedObject) { o.set("url", s.canary) }), 400, 4014},
		{"m3u8_url traversal", "POST", "/api/v1/hooks/on_hls" + q, "application/json", hls(func(o *orderedObject) { o.set("m3u8_url", "../outside/evil.m3u8") }), 400, 4014},
		{"m3u8_url absolute", "POST", "/api/v1/hooks/on_hls" + q, "application/json", hls(func(o *orderedObject) { o.set("m3u8_url", filepath.Join(s.outside, "evil.m3u8")) }), 400, 4014},
		{"body too large", "POST", "/api/v1/hooks/on_hls" + q, "application/json", big.bytes(), 413, 4002},
		{"bad json", "POST", "/api/v1/hooks/on_hls" + q, "application/json", []byte(`{"action":"on_hls","app":`), 400, 4001},
		{"two objects", "POST", "/api/v1/hooks/on_hls" + q, "application/json", append(hls(nil), hls(nil)...), 400, 4001},
		{"wrong type", "POST", "/api/v1/hooks/on_hls" + q, "application/json", hls(func(o *orderedObject) { o.set("seq_no", "3") }), 400, 4004},
		{"unknown action", "POST", "/api/v1/hooks" + q, "application/json", hls(func(o *orderedObject) { o.set("action", "on_evil") }), 400, 4003},
		{"action mismatch", "POST", "/api/v1/hooks/on_hls" + q, "application/json", hooks.onPublish(streamID, "?secret="+publishSecret), 400, 4004},
		{"content type", "POST", "/api/v1/hooks/on_hls" + q, "text/plain", hls(nil), 415, 4006},
		{"method", "GET", "/api/v1/hooks/on_hls" + q, "", nil, 405, 4005},
	} {
		status, reply := httpDo(t, tc.method, sc.url(tc.path), tc.ctype, tc.body)
		if err := hookFailure(status, reply, tc.status, tc.code); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	holds(t, 2500*time.Millisecond, "the manifest bytes after refused hooks", func() (bool, string) {
		now := readFileOrNil(s.hls, manifestRel)
		return bytes.Equal(now, settled), fmt.Sprintf("changed to %q", truncate(now, 300))
	})

	// Lexically clean paths through symlinks: the hook layer cannot know,
	// so they are accepted; opening the files must not follow them out.
	for _, body := range [][]byte{
		hls(func(o *orderedObject) { o.set("url", "live/link.ts") }),
		hls(func(o *orderedObject) {
			o.set("app", "evil")
			o.set("stream", "evil")
			o.set("url", "evil/canary.ts")
			o.set("m3u8_url", "evil/evil.m3u8")
		}),
		hls(func(o *orderedObject) {
			o.set("stream", "linked")
			o.set("url", "live/link.ts")
			o.set("m3u8_url", "live/linked.m3u8")
		}),
		hls(func(o *orderedObject) {
			o.set("stream", "escape")
			o.set("url", "live/linked-0.ts")
			o.set("m3u8_url", "live/escape.m3u8")
		}),
	} {
		if status, reply := sc.postHook("/api/v1/hooks/on_hls"+q, body); status != http.StatusOK || string(reply) != hookOK {
			t.Errorf("on_hls %s: %d %s, want 200 %s", truncate(body, 300), status, reply, hookOK)
		}
	}
	holds(t, 2500*time.Millisecond, "the published stream's segments after symlink hints", func() (bool, string) {
		m, err := parseManifest(readFileOrNil(s.hls, manifestRel))
		if err != nil {
			return false, err.Error()
		}
		ok, why := m.covers(pl)
		return ok && m.Epoch == streamID, why
	})

	for _, mon := range mons {
		if mv := mon.latestManifest(); mv != nil {
			t.Logf("%s: %s", mon.manRel, mv.m)
		} else {
			t.Logf("%s: never written", mon.manRel)
		}
		mon.checkNoParseFailures(true)
		checkHashes(t, mon, nil)
		_, mans := mon.snapshot()
		for _, mv := range mans {
			for _, seg := range mv.m.Segments {
				if seg.SHA256 == s.canarySum {
					t.Errorf("%s lists %s with the content of %s, outside the HLS dir", mon.manRel, seg.URI, s.canary)
				}
			}
		}
	}
	if after := s.outsideListing(t); after != before {
		t.Errorf("files outside the HLS dir changed:\nbefore:\n%safter:\n%s", before, after)
	}
	st, ok := sc.streams().findStream()
	if !ok || st.Epoch != streamID || !st.Publishing {
		t.Errorf("refused hooks changed the stream: listed=%v %+v", ok, st)
	}
	for _, secret := range []string{hookSecret, publishSecret} {
		if strings.Contains(sc.logs.String(), secret) {
			t.Errorf("the log contains a secret (%d bytes)", len(secret))
		}
	}
	sc.stop()
}

// TestHooksCallerNotAllowed: a caller outside hooks.allow is refused
// before its body is read.
func TestHooksCallerNotAllowed(t *testing.T) {
	hooks := loadSRSHooks(t)
	env := itestEnv(t.TempDir())
	env["SRS_P2P_HOOKS_ALLOW"] = "192.0.2.0/24"
	sc := startSidecar(t, "srs-p2p", env)
	status, reply := sc.postHook("/api/v1/hooks/on_publish", hooks.onPublish("vid-denied", srsParam))
	if err := hookFailure(status, reply, 403, 4011); err != nil {
		t.Errorf("on_publish from 127.0.0.1 with allow 192.0.2.0/24: %v", err)
	}
	if _, ok := sc.streams().findStream(); ok {
		t.Errorf("a refused on_publish created a stream")
	}
	sc.stop()
}

// waitSettled waits until the monitor's manifest has not changed for a
// while (longer than the 1 s reconcile) and returns its bytes.
func waitSettled(t *testing.T, mon *monitor) []byte {
	t.Helper()
	var raw []byte
	eventually(t, 10*time.Second, "the manifest to settle", func() (bool, string) {
		mv := mon.latestManifest()
		if mv == nil {
			return false, "no manifest"
		}
		raw = mv.raw
		return time.Since(mv.at) > 1500*time.Millisecond, "changed " + time.Since(mv.at).String() + " ago"
	})
	return raw
}
