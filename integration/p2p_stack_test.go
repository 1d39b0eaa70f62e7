package integration

import (
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// p2pStack is what the browser tests watch: srs-p2p run from a config file
// that serves the player page and the HLS dir itself (player.serve_hls), so
// a viewer needs nothing but srs-p2p, with its public URLs (tracker, both
// STUN ports, pingback) pointing at its own loopback listeners.
type p2pStack struct {
	t    *testing.T
	sc   *sidecar
	hls  string
	conf string
	opts p2pStackOptions
	urls p2pPublicURLs
}

type p2pStackOptions struct {
	pingbackInterval string // pingback.interval; "" = 2s
	trackerInterval  string // tracker.interval; "" = 10s, its minimum
}

// p2pPublicURLs are the manifest's p2p section, learned from the ports
// srs-p2p bound.
type p2pPublicURLs struct {
	tracker  string
	stun     []string
	pingback string
}

// startP2PStack starts srs-p2p on 127.0.0.1:0 ports with a config that has
// no public URLs yet, learns its HTTP and STUN ports from its log, writes
// the URLs into the config file (p2p.* applies live) and waits for the
// reload. Manifests written after that carry the real URLs.
func startP2PStack(t *testing.T, o p2pStackOptions) *p2pStack {
	t.Helper()
	if o.pingbackInterval == "" {
		o.pingbackInterval = "2s"
	}
	if o.trackerInterval == "" {
		o.trackerInterval = "10s"
	}
	st := &p2pStack{t: t, hls: t.TempDir(), opts: o}
	st.conf = filepath.Join(t.TempDir(), "srs-p2p.conf")
	writeAtomic(t, st.conf, st.config(p2pPublicURLs{}))
	// The config comes from the file; the environment only sets the
	// loopback listen addresses on ephemeral ports.
	st.sc = startSidecar(t, "srs-p2p", nil, "-c", st.conf)
	m := stunListeningRE.FindStringSubmatch(st.sc.logs.String())
	if m == nil {
		t.Fatalf("no %q line before %q in the log", "stun: listening", "http: listening")
	}
	host := strings.TrimPrefix(st.sc.base, "http://")
	st.urls = p2pPublicURLs{
		tracker:  "ws://" + host + "/p2p/v1/tracker",
		stun:     []string{"stun:" + m[1], "stun:" + m[2]},
		pingback: st.sc.base + "/p2p/v1/pingback",
	}
	// srs-p2p starts watching its config file just after it logs that it
	// listens: a save in between goes unseen, so save again until the
	// reload shows (a save it did see first only logs "nothing changed").
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(st.sc.logs.String(), "config: reloaded") {
		if time.Now().After(deadline) {
			t.Fatalf("srs-p2p did not reload %s within 10s", st.conf)
		}
		writeAtomic(t, st.conf, st.config(st.urls))
		eventuallyOrNot(time.Second, func() bool { return strings.Contains(st.sc.logs.String(), "config: reloaded") })
	}
	return st
}

// eventuallyOrNot polls cond every 20 ms for at most d and reports whether
// it came true.
func eventuallyOrNot(d time.Duration, cond func() bool) bool {
	end := time.Now().Add(d)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(end) {
			return false
		}
		<-tick.C
	}
	return true
}

// config is the srs-p2p.conf of the stack with urls as the public URLs.
func (st *p2pStack) config(urls p2pPublicURLs) string {
	stun, _ := json.Marshal(append([]string{}, urls.stun...))
	trackers := "[]"
	if urls.tracker != "" {
		trackers = fmt.Sprintf("[%q]", urls.tracker)
	}
	return fmt.Sprintf(`// browser end-to-end test
{
    "origin_id": %q,
    "hls": {"dir": %q, "reconcile_interval": "1s"},
    "p2p": {"trackers": %s, "stun": %s, "pingback": %q},
    "tracker": {"interval": %q},
    "pingback": {"interval": %q},
    "player": {"serve_hls": true}
}
`, itestOrigin, st.hls, trackers, stun, urls.pingback, st.opts.trackerInterval, st.opts.pingbackInterval)
}

// publish starts a live stream on live/livestream (see startLiveHLS) and
// waits for a manifest that advertises the stack's own URLs.
func (st *p2pStack) publish(frequency int) (*ffmpeg, *manifest) {
	t := st.t
	t.Helper()
	ff := startLiveHLS(t, st.hls, frequency)
	var m *manifest
	eventually(t, 20*time.Second, "a manifest with 3 segments and the stack's public URLs", func() (bool, string) {
		var err error
		m, err = parseManifest(readFileOrNil(st.hls, manifestRel))
		if err != nil {
			return false, err.Error()
		}
		if strings.Join(m.P2P.Trackers, ",") != st.urls.tracker || strings.Join(m.P2P.STUN, ",") != strings.Join(st.urls.stun, ",") ||
			m.P2P.Pingback != st.urls.pingback {
			return false, fmt.Sprintf("p2p %+v, want %+v", m.P2P, st.urls)
		}
		return len(m.Segments) >= 3, fmt.Sprintf("%d segments", len(m.Segments))
	})
	return ff, m
}

// playerURL is the page of live/livestream on srs-p2p; query is added as is.
func (st *p2pStack) playerURL(query url.Values) string {
	u := st.sc.url("/play/" + streamApp + "/" + streamName)
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	return u
}

// streamKey is the stream label of srs_p2p_stream_* metrics.
const streamKey = defaultVhost + "/" + streamApp + "/" + streamName

// Segments of the browser tests' live stream. startFFmpeg writes 1 s
// segments by default, which suit the manifest tests; the browser tests use 2 s ones,
// like a typical SRS hls_fragment: the player gives peers a fixed number of
// target durations before it falls back to the CDN, so 1 s segments leave
// a loaded test machine too little time and make stalls a matter of CPU
// speed rather than of the SDK's logic.
const (
	liveSegmentSeconds = 2
	liveListSize       = 10 // long enough for viewers behind the edge to trade
)

// startLiveHLS publishes the browser tests' stream: startFFmpeg with
// liveSegmentSeconds segments and liveListSize of them in the playlist.
func startLiveHLS(t *testing.T, hlsDir string, frequency int) *ffmpeg {
	t.Helper()
	return startFFmpeg(t, hlsDir, ffmpegOptions{listSize: liveListSize, frequency: frequency, segmentSecs: liveSegmentSeconds})
}
