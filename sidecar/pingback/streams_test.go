package pingback

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/webp2p/srs-p2p/sidecar/tracker"
)

func streamMetricsText(e *env) string {
	var b bytes.Buffer
	e.s.WriteStreamMetrics(&b)
	return b.String()
}

func TestStreamEndFreesEverything(t *testing.T) {
	e := newEnv(t, nil)
	r := blameReport("sessionA", peerY, peerX, 1)
	r.P2PUpBytes = 100
	e.post(r, blameReport("sessionB", peerZ, peerX, 1))
	ih := tracker.InfoHashFor(swarmA)
	st := e.stats(swarmA)
	if !e.s.Bad(ih, peerX) || !strings.Contains(streamMetricsText(e), `stream="__defaultVhost__/live/livestream"`) {
		t.Fatal("stream not set up")
	}

	e.src.Set(streamInfo(swarmB, "other")) // unpublished
	e.advance(0)                           // the poll that notices
	e.advance(20 * time.Second)
	fin := rep("sessionA", 2)
	fin.Final = true
	if acc, _ := e.post(fin); acc != 1 { // a final beacon within the grace
		t.Fatal("final beacon refused within the grace")
	}
	if _, ok := e.s.Summary(swarmA); !ok || !e.s.Bad(ih, peerX) {
		t.Fatal("stream forgotten within the grace")
	}

	e.advance(10 * time.Second) // 30 s after it left the list
	if _, ok := e.s.Summary(swarmA); ok {
		t.Fatal("summary after the grace")
	}
	if e.s.Bad(ih, peerX) || e.s.UploadScore(ih, peerY) != 0 {
		t.Fatal("peer evidence kept after the stream ended")
	}
	if text := streamMetricsText(e); strings.Contains(text, "livestream") {
		t.Fatalf("metrics of the ended stream still written:\n%s", text)
	}
	if names := st.m.set.ListMetricNames(); len(names) != 0 || !st.closed {
		t.Fatalf("ended stream keeps %d metrics, closed %v", len(names), st.closed)
	}
	rp := e.postRaw(batchJSON(t, rep("sessionA", 3)), "application/json", "", "")
	if rp.status != 404 || rp.code != CodeNotLive {
		t.Fatalf("report after the grace: %d %s", rp.status, rp.body)
	}
	if got := e.s.m.streams.Load(); got != 0 {
		t.Errorf("streams gauge %d, want 0", got)
	}
	if !strings.Contains(e.log.String(), "pingback: stats start") || !strings.Contains(e.log.String(), "pingback: stats end, stream ended stream=__defaultVhost__/live/livestream") ||
		!strings.Contains(e.log.String(), "reports=3 sessions=2") {
		t.Errorf("log:\n%s", e.log)
	}
}

// A stream that starts between two polls is found when its first report
// comes.
func TestNewStreamFoundOnFirstReport(t *testing.T) {
	e := newEnv(t, nil)
	const swarmC = "srs-p2p:test/__defaultVhost__/live/third/vid-cccc"
	e.src.Set(streamInfo(swarmA, "livestream"), streamInfo(swarmB, "other"), streamInfo(swarmC, "third"))
	r := rep("sessionA", 1)
	r.SwarmID = swarmC
	if acc, _ := e.post(r); acc != 1 {
		t.Fatal("report for a new stream refused")
	}
	// Each report for an unknown stream asks the source again: one that
	// read the source before the stream appeared must not refuse it.
	r.SwarmID = "srs-p2p:test/nope"
	before := e.src.Calls()
	for i := 0; i < 3; i++ {
		if rp := e.postRaw(batchJSON(t, r), "application/json", "", ""); rp.status != 404 {
			t.Fatalf("unknown stream: %d %s", rp.status, rp.body)
		}
	}
	if got := e.src.Calls() - before; got != 3 {
		t.Fatalf("source asked %d times for 3 unknown reports, want 3", got)
	}
	// The stream appears right after a refresh, on the same clock tick
	// (the race the old 100 ms refresh gap lost): its first report counts.
	const swarmD = "srs-p2p:test/__defaultVhost__/live/fourth/vid-dddd"
	e.src.Set(streamInfo(swarmA, "livestream"), streamInfo(swarmB, "other"), streamInfo(swarmC, "third"), streamInfo(swarmD, "fourth"))
	r = rep("sessionD", 1)
	r.SwarmID = swarmD
	if acc, _ := e.post(r); acc != 1 {
		t.Fatal("report for a stream listed right after a refresh refused")
	}
}

// After a republish, the old epoch in its grace and the new one share a
// stream label: only the live one is written.
func TestRepublishWritesOneSeriesPerStream(t *testing.T) {
	e := newEnv(t, nil)
	old := rep("sessionA", 1)
	old.CDNBytes = 111
	e.post(old)
	const swarmA2 = "srs-p2p:test/__defaultVhost__/live/livestream/vid-a222"
	e.src.Set(streamInfo(swarmA2, "livestream"), streamInfo(swarmB, "other"))
	e.advance(time.Second)
	r := rep("sessionB", 1)
	r.SwarmID, r.CDNBytes = swarmA2, 222
	e.post(r)
	b := rep("sessionC", 1)
	b.SwarmID, b.CDNBytes = swarmB, 333
	e.post(b)
	text := streamMetricsText(e)
	if n := strings.Count(text, `srs_p2p_stream_cdn_bytes_total{stream="__defaultVhost__/live/livestream"}`); n != 1 ||
		!strings.Contains(text, `srs_p2p_stream_cdn_bytes_total{stream="__defaultVhost__/live/livestream"} 222`) {
		t.Fatalf("%d series for the republished stream:\n%s", n, text)
	}
	checkGrouped(t, text)
}

// checkGrouped fails unless all lines of one metric name are adjacent.
func checkGrouped(t *testing.T, text string) {
	t.Helper()
	done := map[string]bool{}
	prev := ""
	for _, l := range strings.Split(strings.TrimSpace(text), "\n") {
		name := l[:strings.IndexAny(l, "{ ")]
		if name != prev && done[name] {
			t.Fatalf("lines of %s are not together:\n%s", name, text)
		}
		done[name], prev = true, name
	}
}

func TestStreamMetricsValues(t *testing.T) {
	e := newEnv(t, nil)
	r := rep("sessionA", 1)
	r.CDNBytes, r.P2PDownBytes, r.P2PUpBytes, r.StallMS, r.Stalls, r.StartupMS = 1000, 3000, 80, 2500, 1, 1200
	r.HashFailures = []HashFailure{{Count: 2}}
	e.post(r)
	e.advance(5 * time.Second)
	text := streamMetricsText(e)
	label := `{stream="__defaultVhost__/live/livestream"}`
	for _, want := range []string{
		"srs_p2p_stream_viewers" + label + " 1",
		"srs_p2p_stream_offload_ratio" + label + " 0.75",
		"srs_p2p_stream_cdn_bytes_total" + label + " 1000",
		"srs_p2p_stream_p2p_down_bytes_total" + label + " 3000",
		"srs_p2p_stream_p2p_up_bytes_total" + label + " 80",
		"srs_p2p_stream_upload_bits_per_second" + label + " 128", // 80 B * 8 / 5 s
		"srs_p2p_stream_stalls_total" + label + " 1",
		"srs_p2p_stream_stall_seconds_total" + label + " 2.5",
		"srs_p2p_stream_watch_seconds_total" + label + " 10",
		"srs_p2p_stream_stall_ratio" + label + " 0.25",
		"srs_p2p_stream_hash_failures_total" + label + " 2",
		"srs_p2p_stream_reports_total" + label + " 1",
		`srs_p2p_stream_startup_seconds_bucket{stream="__defaultVhost__/live/livestream",le="1.5"} 1`,
		`srs_p2p_stream_startup_seconds_bucket{stream="__defaultVhost__/live/livestream",le="1"} 0`,
		"srs_p2p_stream_startup_seconds_count" + label + " 1",
	} {
		if !strings.Contains(text, want+"\n") {
			t.Errorf("missing %q in:\n%s", want, text)
		}
	}
	if strings.Contains(text, "other") {
		t.Error("a stream nobody reported on has series")
	}
	var svc bytes.Buffer
	e.s.Metrics().WritePrometheus(&svc)
	for _, want := range []string{
		`srs_p2p_pingback_reports_total{result="accepted"} 1`,
		`srs_p2p_pingback_requests_total 1`,
		`srs_p2p_pingback_rejected_requests_total{reason="rate_limited"} 0`,
		`srs_p2p_pingback_ingest_duration_seconds_count 1`,
		`srs_p2p_pingback_streams 1`,
	} {
		if !strings.Contains(svc.String(), want+"\n") {
			t.Errorf("missing %q in:\n%s", want, svc.String())
		}
	}
}

func TestPromLabelValue(t *testing.T) {
	got := promLabelValue("v/a\"p\\p/n\nam\xffe")
	if want := `v/a\"p\\p/n\nam` + "\uFFFD" + `e`; got != want {
		t.Fatalf("%q, want %q", got, want)
	}
	if err := metrics.ValidateMetric(`x{stream="` + got + `"}`); err != nil {
		t.Fatal(err)
	}
}

func TestConfig(t *testing.T) {
	cfg, err := Config{}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Interval != 10*time.Second || cfg.Grace != 30*time.Second || cfg.Rate != 5 || cfg.Burst != 20 ||
		cfg.MaxViewers != 100000 || cfg.BadPeerReporters != 2 || cfg.BadPeerWindow != time.Minute ||
		cfg.BadPeerCooldown != 5*time.Minute || cfg.Now == nil || cfg.Logger == nil {
		t.Fatalf("defaults %+v", cfg)
	}
	bad := []struct {
		mod  func(*Config)
		want string
	}{
		{func(c *Config) { c.Interval = time.Millisecond }, "'interval'"},
		{func(c *Config) { c.Interval = 121 * time.Second }, "'interval'"},
		{func(c *Config) { c.Grace = -1 }, "'grace'"},
		{func(c *Config) { c.Rate = -1 }, "'rate'"},
		{func(c *Config) { c.Burst = 15 }, "'burst' must be at least 16"},
		{func(c *Config) { c.MaxViewers = -1 }, "'maxViewers'"},
		{func(c *Config) { c.BadPeerReporters = 65 }, "'badPeerReporters'"},
		{func(c *Config) { c.BadPeerWindow = -time.Second }, "'badPeerWindow'"},
		{func(c *Config) { c.BadPeerCooldown = time.Millisecond }, "'badPeerCooldown'"},
	}
	for _, b := range bad {
		var c Config
		b.mod(&c)
		if _, err := New(c, &fakeStreams{}); !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), b.want) {
			t.Errorf("error %v, want %s", err, b.want)
		}
	}
	if _, err := New(Config{}, nil); !errors.Is(err, ErrConfig) {
		t.Errorf("nil source: %v", err)
	}
}

// New reads the streams at once and its goroutine stops on Close (twice
// is fine).
func TestNewAndClose(t *testing.T) {
	src := &fakeStreams{}
	src.Set(streamInfo(swarmA, "livestream"))
	s, err := New(Config{}, src)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Summary(swarmA); !ok {
		t.Fatal("streams not read by New")
	}
	done := make(chan struct{})
	go func() {
		_ = s.Close()
		_ = s.Close()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not return")
	}
	if s.ctx.Err() == nil {
		t.Fatal("context not cancelled")
	}
}
