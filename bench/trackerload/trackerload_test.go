package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/webp2p/srs-p2p/internal/srslog"
)

// TestMain lets this test binary be the srs-p2p tracker child: startTracker
// runs os.Executable() -serve ADDR, which in a test is this binary.
func TestMain(m *testing.M) {
	if len(os.Args) == 3 && os.Args[1] == "-serve" {
		if err := serve(context.Background(), os.Args[2], os.Stdout); err != nil {
			_, _ = os.Stderr.WriteString("trackerload test child: " + err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// smokeOptions are tiny sizes: the smoke tests check that both trackers
// are driven and measured, not how fast they are.
func smokeOptions(t *testing.T, extra ...string) options {
	t.Helper()
	args := append([]string{"-npm-dir", "npm", "-conns", "8", "-swarms", "2", "-offers", "2",
		"-every", "50ms", "-warmup", "300ms", "-duration", "1s", "-settle", "0s"}, extra...)
	o, err := parseFlags(args, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func smokeContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestLoadBothTrackers runs the throughput load against srs-p2p's tracker
// and bittorrent-tracker's server: offers and answers are relayed and
// checked, none is wrong, the round trip and both processes' CPU are
// measured, and the table has the ratio row.
func TestLoadBothTrackers(t *testing.T) {
	o := smokeOptions(t)
	ctx := smokeContext(t)
	if err := checkBaseline(ctx, o.npmDir); err != nil {
		t.Fatal(err)
	}
	loads, err := measureLoad(ctx, o, srslog.Discard())
	if err != nil {
		t.Fatal(err)
	}
	if len(loads) != 2 || loads[0].name != serverOurs || loads[1].name != serverBaseline {
		t.Fatalf("measured %v, want %s then %s", loads, serverOurs, serverBaseline)
	}
	for _, l := range loads {
		r := l.r
		if r.offersSent == 0 || r.offers == 0 || r.answers == 0 {
			t.Errorf("%s: offers sent %d, offers relayed %d, answers relayed %d: want all > 0", l.name, r.offersSent, r.offers, r.answers)
		}
		// Swarms of 4 peers: every offer reaches one of 3 others, so no
		// more offers arrive than were sent (only within the window's edges).
		if r.offers > r.offersSent+uint64(o.conns*o.offers) {
			t.Errorf("%s: %d offers relayed of %d sent: offers were duplicated", l.name, r.offers, r.offersSent)
		}
		if r.wrong != 0 || r.failures != 0 || r.lostConns != 0 {
			t.Errorf("%s: wrong %d, failures %d, lost connections %d, want 0: %q", l.name, r.wrong, r.failures, r.lostConns, r.examples)
		}
		if r.rtt.N == 0 || r.rtt.P50 <= 0 || r.rtt.P99 < r.rtt.P50 {
			t.Errorf("%s: round trip %+v, want samples with 0 < p50 <= p99", l.name, r.rtt)
		}
		if r.serverCPU <= 0 || r.serverRSS <= 0 {
			t.Errorf("%s: server CPU %v RSS %d, want both > 0", l.name, r.serverCPU, r.serverRSS)
		}
	}
	var out bytes.Buffer
	printLoad(&out, o, loads)
	for _, want := range []string{"srs-p2p / bittorrent-tracker", "relayed msgs/s", "rtt p99 ms", "target: relayed msgs/s >= 5x"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
}

// TestIdleBothTrackers connects idle peers to both trackers and reads
// their RSS.
func TestIdleBothTrackers(t *testing.T) {
	o := smokeOptions(t, "-idle", "20")
	ctx := smokeContext(t)
	idles, err := measureIdle(ctx, o, srslog.Discard())
	if err != nil {
		t.Fatal(err)
	}
	if len(idles) != 2 || idles[0].name != serverOurs || idles[1].name != serverBaseline {
		t.Fatalf("measured %v, want %s then %s", idles, serverOurs, serverBaseline)
	}
	for _, i := range idles {
		if i.r.peers != 20 || i.r.before.RSS <= 0 || i.r.after.RSS <= 0 {
			t.Errorf("%s: %+v, want 20 peers and both RSS readings > 0", i.name, i.r)
		}
	}
	var out bytes.Buffer
	printIdle(&out, idles)
	if !strings.Contains(out.String(), "per peer KB") || !strings.Contains(out.String(), "srs-p2p / bittorrent-tracker") {
		t.Errorf("idle table:\n%s", out.String())
	}
}

// TestCheckBaselineSaysHowToInstall: a directory without the npm project
// fails with the install command, before any load runs.
func TestCheckBaselineSaysHowToInstall(t *testing.T) {
	dir := t.TempDir()
	err := checkBaseline(context.Background(), dir)
	if err == nil || !strings.Contains(err.Error(), "make deps") {
		t.Fatalf("checkBaseline(empty dir) = %v, want an error naming make deps", err)
	}
	pkg := []byte(`{"dependencies":{"bittorrent-tracker":"11.2.3"}}`)
	if err := os.WriteFile(dir+"/package.json", pkg, 0o644); err != nil {
		t.Fatal(err)
	}
	err = checkBaseline(context.Background(), dir)
	if err == nil || !strings.Contains(err.Error(), "bittorrent-tracker 11.2.3 is not installed") || !strings.Contains(err.Error(), "npm ci") {
		t.Fatalf("checkBaseline(no node_modules) = %v, want it to say 11.2.3 is not installed and how to install", err)
	}
}

func TestParseFlags(t *testing.T) {
	tests := []struct {
		args    []string
		against []string
		err     string
	}{
		{nil, []string{serverOurs, serverBaseline}, ""},
		{[]string{"-against", "bittorrent-tracker"}, []string{serverBaseline}, ""},
		{[]string{"-against", " bittorrent-tracker , srs-p2p"}, []string{serverBaseline, serverOurs}, ""},
		{[]string{"-against", "srs-p2p,srs-p2p"}, nil, "named twice"},
		{[]string{"-against", "aquatic"}, nil, "unknown tracker"},
		{[]string{"-against", ""}, nil, "unknown tracker"},
		{[]string{"-conns", "1"}, nil, "-conns"},
		{[]string{"-conns", "10", "-swarms", "6"}, nil, "-swarms"},
		{[]string{"-offers", "11"}, nil, "-offers"},
		{[]string{"-every", "0s"}, nil, "-every"},
		{[]string{"-duration", "1ms"}, nil, "-duration"},
		{[]string{"-idle", "-1"}, nil, "-idle"},
		{[]string{"extra"}, nil, "unexpected argument"},
	}
	for _, tt := range tests {
		o, err := parseFlags(tt.args, &bytes.Buffer{})
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("parseFlags(%q) = %v, want an error with %q", tt.args, err, tt.err)
			}
			continue
		}
		if err != nil || strings.Join(o.against, ",") != strings.Join(tt.against, ",") {
			t.Errorf("parseFlags(%q) = against %q, %v; want %q", tt.args, o.against, err, tt.against)
		}
	}
}

func TestParseAddrLine(t *testing.T) {
	tests := []struct {
		name, line, want string
	}{
		{serverOurs, "addr=127.0.0.1:4242", "ws://127.0.0.1:4242/p2p/v1/tracker"},
		{serverOurs, "addr=[::1]:4242", "ws://[::1]:4242/p2p/v1/tracker"},
		{serverBaseline, "ws://127.0.0.1:35885", "ws://127.0.0.1:35885"},
		{serverBaseline, "ws://192.0.2.1:35885", ""}, // not loopback
		{serverBaseline, "ws://127.0.0.1:0", ""},
		{serverBaseline, "ws://127.0.0.1:35885/x", ""},
		{serverBaseline, "addr=127.0.0.1:4242", ""},
		{serverOurs, "ws://127.0.0.1:4242", ""},
		{serverOurs, "addr=localhost:4242", ""},
		{"aquatic", "addr=127.0.0.1:4242", ""},
	}
	for _, tt := range tests {
		got, err := parseAddrLine(tt.name, tt.line)
		if got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("parseAddrLine(%s, %q) = %q, %v; want %q", tt.name, tt.line, got, err, tt.want)
		}
	}
}

func TestNpmVersions(t *testing.T) {
	majors := []struct {
		in   string
		want int
		ok   bool
	}{
		{"v20.20.2\n", 20, true},
		{"v22.1.0", 22, true},
		{"20.1.0", 0, false},
		{"v.1", 0, false},
		{"vx.1.0", 0, false},
		{"v123456.0.0", 0, false},
	}
	for _, tt := range majors {
		if got, ok := nodeMajor(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("nodeMajor(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	pinned := []struct {
		in, want string
	}{
		{`{"dependencies":{"bittorrent-tracker":"11.2.3"}}`, "11.2.3"},
		{`{"dependencies":{"bittorrent-tracker":"^11.2.3"}}`, ""},
		{`{"dependencies":{"ws":"8.0.0"}}`, ""},
		{`{"dependencies":[]}`, ""},
		{`not json`, ""},
	}
	for _, tt := range pinned {
		if got, err := parsePinned([]byte(tt.in)); got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("parsePinned(%s) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	installed := []struct {
		in, want string
	}{
		{`{"name":"bittorrent-tracker","version":"11.2.3"}`, "11.2.3"},
		{`{"name":"bittorrent-tracker","version":"11.2"}`, ""},
		{`{"name":"ws","version":"8.0.0"}`, ""},
	}
	for _, tt := range installed {
		if got, err := parseInstalled([]byte(tt.in)); got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("parseInstalled(%s) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	// The shipped project pins an exact version.
	if v, err := pinnedVersion("npm/package.json"); err != nil || !isExactVersion(v) {
		t.Errorf("npm/package.json pins %q, %v; want an exact version", v, err)
	}
}

func TestTailBufferKeepsTheEnd(t *testing.T) {
	tb := &tailBuffer{max: 8}
	for _, s := range []string{"abc", "defgh", "ijk"} {
		if n, err := tb.Write([]byte(s)); n != len(s) || err != nil {
			t.Fatalf("Write(%q) = %d, %v", s, n, err)
		}
	}
	if got := tb.String(); got != "defghijk" {
		t.Errorf("tail = %q, want %q", got, "defghijk")
	}
}
