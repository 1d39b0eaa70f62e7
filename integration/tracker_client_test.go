package integration

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// trackerClientDir is the npm project that runs bittorrent-tracker's own
// Client (clients.mjs), relative to this package.
const trackerClientDir = "trackerclient"

// trackerClientReport is what clients.mjs prints (see its header).
type trackerClientReport struct {
	TimedOut bool                           `json:"timed_out"`
	Viewers  map[string]trackerClientViewer `json:"viewers"`
}

type trackerClientViewer struct {
	PeerID   string `json:"peer_id"`
	InfoHash string `json:"info_hash"`
	Updates  []struct {
		Complete   int `json:"complete"`
		Incomplete int `json:"incomplete"`
		Interval   int `json:"interval"`
	} `json:"updates"`
	Peers []struct {
		ID            string `json:"id"`
		Connected     bool   `json:"connected"`
		RemoteAddress string `json:"remote_address"` // null (unset) until connected
		RemotePort    int    `json:"remote_port"`
		Received      string `json:"received"`
	} `json:"peers"`
	Warnings []string `json:"warnings"`
	Errors   []string `json:"errors"`
}

// TestTrackerClientNpm: bittorrent-tracker's own Client (npm, a client no
// one here wrote) finds a peer through the real srs-p2p binary's tracker
// while ffmpeg publishes: two viewers of the live stream's swarm (the
// info_hash p2p-media-loader derives from the manifest's swarm_id) get
// their announce replies, exchange offer and answer through srs-p2p, open
// a WebRTC data channel over host candidates and greet each other over it;
// a viewer of a stream that is not live gets srs-p2p's failure reason; and
// /metrics counts the relays.
func TestTrackerClientNpm(t *testing.T) {
	requireTrackerClient(t)
	hls := t.TempDir()
	sc := startSidecar(t, "srs-p2p", itestEnv(hls))
	ff := startFFmpeg(t, hls, ffmpegOptions{})
	m := waitManifest(t, hls, "the live stream's manifest", func(m *manifest) (bool, string) { return len(m.Segments) > 0, "no segments" })

	live := infoHashOf(m.SwarmID)
	unknown := infoHashOf("srs-p2p:elsewhere/__defaultVhost__/live/none/vid-x")
	url := "ws" + strings.TrimPrefix(sc.url("/p2p/v1/tracker"), "http")
	r := runTrackerClients(t, url, clientInfoHash(t, live), clientInfoHash(t, unknown))

	if r.TimedOut {
		t.Errorf("clients.mjs timed out before both viewers greeted each other and the third got its failure")
	}
	a, b, c := r.Viewers["a"], r.Viewers["b"], r.Viewers["c"]
	if a.PeerID == "" || b.PeerID == "" || c.PeerID == "" || a.PeerID == b.PeerID {
		t.Fatalf("peer ids a=%q b=%q c=%q: want three, a != b", a.PeerID, b.PeerID, c.PeerID)
	}
	// a announced alone, b after a's reply: the tracker's counts say so.
	checkViewerUpdate(t, "a", a, 1)
	checkViewerUpdate(t, "b", b, 2)
	checkViewerGreeted(t, "a", a, b.PeerID)
	checkViewerGreeted(t, "b", b, a.PeerID)
	for name, v := range map[string]trackerClientViewer{"a": a, "b": b} {
		if len(v.Warnings) > 0 || len(v.Errors) > 0 {
			t.Errorf("viewer %s: warnings %q errors %q, want none", name, v.Warnings, v.Errors)
		}
	}
	if len(c.Updates) != 0 || len(c.Peers) != 0 || len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "unknown info_hash") {
		t.Errorf("viewer c of a stream that is not live: updates %v peers %v warnings %q, want only the warning \"unknown info_hash ...\"",
			c.Updates, c.Peers, c.Warnings)
	}

	metrics := func() string {
		_, body := httpGet(t, sc.url("/metrics"))
		return string(body)
	}
	body := metrics()
	for _, name := range []string{"srs_p2p_tracker_offers_relayed_total", "srs_p2p_tracker_answers_relayed_total",
		`srs_p2p_tracker_failures_total{reason="unknown_swarm"}`} {
		if v, ok := trackerClientMetric(body, name); !ok || v < 1 {
			t.Errorf("/metrics %s = %v (found %v), want >= 1", name, v, ok)
		}
	}
	// The viewers announced "stopped" and closed: the swarm is empty again.
	eventually(t, 5*time.Second, "the tracker to count the viewers' stopped announces and drop their peers", func() (bool, string) {
		body := metrics()
		stopped, _ := trackerClientMetric(body, `srs_p2p_tracker_announces_total{event="stopped"}`)
		peers, ok := trackerClientMetric(body, "srs_p2p_tracker_peers")
		return stopped >= 2 && ok && peers == 0, "stopped announces " + strconv.FormatFloat(stopped, 'f', -1, 64) + ", peers " + strconv.FormatFloat(peers, 'f', -1, 64)
	})
	ff.stop()
	sc.checkNoErrorLines()
	sc.stop()
}

// requireTrackerClient fails, saying how to install them, without node or
// the npm project's dependencies (the platform's WebRTC binary included).
func requireTrackerClient(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatalf("node is not in PATH: run make deps (it installs nodejs and runs npm ci in integration/trackerclient)")
	}
	for _, p := range []string{"bittorrent-tracker/package.json", "@roamhq/wrtc/package.json"} {
		if _, err := os.Stat(filepath.Join(trackerClientDir, "node_modules", p)); err != nil {
			t.Fatalf("%s is not installed: run make deps (or: cd integration/trackerclient && npm ci): %v", p, err)
		}
	}
}

// clientInfoHash turns the 20-character binary-string info_hash the wire
// carries into the 40 hex digits bittorrent-tracker's Client takes (it
// converts them back with hex2bin before announcing).
func clientInfoHash(t *testing.T, ih string) string {
	t.Helper()
	b := []byte(ih) // base64 text: every character is one byte
	if len(b) != 20 {
		t.Fatalf("info_hash %q is %d bytes, want 20", ih, len(b))
	}
	return hex.EncodeToString(b)
}

// runTrackerClients runs clients.mjs (bounded: 45 s) and decodes its report.
func runTrackerClients(t *testing.T, url, infoHash, unknownInfoHash string) trackerClientReport {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "clients.mjs", "--announce", url, "--info-hash", infoHash,
		"--unknown-info-hash", unknownInfoHash, "--timeout-ms", "30000")
	cmd.Dir = trackerClientDir
	var stdout, stderr syncBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node clients.mjs: %v\nstdout:\n%s\nstderr:\n%s", err, tail(stdout.String(), 20), tail(stderr.String(), 50))
	}
	if s := stderr.String(); s != "" {
		t.Logf("clients.mjs stderr:\n%s", tail(s, 50))
	}
	var r trackerClientReport
	dec := json.NewDecoder(strings.NewReader(stdout.String()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("clients.mjs report %q: %v", tail(stdout.String(), 5), err)
	}
	for _, name := range []string{"a", "b", "c"} {
		if _, ok := r.Viewers[name]; !ok {
			t.Fatalf("clients.mjs report has no viewer %s: %s", name, stdout.String())
		}
	}
	t.Logf("clients.mjs report: %s", strings.TrimSpace(stdout.String()))
	return r
}

// checkViewerUpdate requires the viewer's first announce reply to count
// incomplete peers and no seeders, with an interval.
func checkViewerUpdate(t *testing.T, name string, v trackerClientViewer, incomplete int) {
	t.Helper()
	if len(v.Updates) == 0 {
		t.Errorf("viewer %s got no announce reply (update event)", name)
		return
	}
	if u := v.Updates[0]; u.Complete != 0 || u.Incomplete != incomplete || u.Interval <= 0 {
		t.Errorf("viewer %s first update %+v, want complete 0, incomplete %d, an interval", name, u, incomplete)
	}
}

// checkViewerGreeted requires exactly one peer, the other viewer, connected over
// an address of this machine, and its greeting received over the channel.
func checkViewerGreeted(t *testing.T, name string, v trackerClientViewer, other string) {
	t.Helper()
	if len(v.Peers) != 1 {
		t.Errorf("viewer %s peers %+v, want exactly the other viewer", name, v.Peers)
		return
	}
	p := v.Peers[0]
	if p.ID != other || !p.Connected {
		t.Errorf("viewer %s peer %s connected=%v, want %s connected", name, p.ID, p.Connected, other)
	}
	if p.Received != "hello from "+other {
		t.Errorf("viewer %s received %q over the data channel, want %q", name, p.Received, "hello from "+other)
	}
	if !isMachineAddress(p.RemoteAddress) || p.RemotePort <= 0 {
		t.Errorf("viewer %s connected to %q port %d, want an address of this machine (host candidates only)", name, p.RemoteAddress, p.RemotePort)
	}
}

// isMachineAddress reports an IP of this machine: loopback or one of its
// interfaces. libwebrtc gathers loopback candidates only when no other
// interface is up, so on a machine with a network the channel runs over
// its own interface address, which the kernel routes locally.
func isMachineAddress(s string) bool {
	ip, err := netip.ParseAddr(s)
	if err != nil {
		return false
	}
	if ip.IsLoopback() {
		return true
	}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return false
	}
	for _, a := range addrs {
		if p, err := netip.ParsePrefix(a.String()); err == nil && p.Addr().Unmap() == ip.Unmap() {
			return true
		}
	}
	return false
}

// trackerClientMetric reads one sample "name value" from Prometheus text.
func trackerClientMetric(body, name string) (float64, bool) {
	s := bufio.NewScanner(bytes.NewReader([]byte(body)))
	for s.Scan() {
		line := s.Text()
		rest, ok := strings.CutPrefix(line, name+" ")
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
		return v, err == nil
	}
	return 0, false
}
