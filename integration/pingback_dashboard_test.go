package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// The dashboard's side of TestPingbackAggregates: dashboard.mjs renders
// the page in headless Chromium and prints the raw values behind every
// number it shows; they must be the sums the fleet sent.

// simDashboard is dashboard.mjs's output.
type simDashboard struct {
	API     string `json:"api"`
	Updates int    `json:"updates"`
	Empty   bool   `json:"empty"`
	Version string `json:"version"`
	Server  string `json:"server"`
	Totals  struct {
		Streams      float64 `json:"streams"`
		Viewers      float64 `json:"viewers"`
		OffloadRatio float64 `json:"offload_ratio"`
		UploadBPS    float64 `json:"upload_bps"`
		HashFailures float64 `json:"hash_failures"`
	} `json:"totals"`
	Streams map[string]simDashStream `json:"streams"`
}

// simDashStream is one stream's row and charts, keyed "app/name".
type simDashStream struct {
	Vhost            string             `json:"vhost"`
	App              string             `json:"app"`
	Name             string             `json:"name"`
	Epoch            string             `json:"epoch"`
	Publishing       bool               `json:"publishing"`
	Viewers          float64            `json:"viewers"`
	OffloadRatio     float64            `json:"offload_ratio"`
	UploadBPS        float64            `json:"upload_bps"`
	Stalls           float64            `json:"stalls"`
	StallRatio       float64            `json:"stall_ratio"`
	HashFailures     float64            `json:"hash_failures"`
	ConnSuccessRatio float64            `json:"conn_success_ratio"`
	Peers            float64            `json:"peers"`
	StartupMSP50     float64            `json:"startup_ms_p50"`
	StartupMSP95     float64            `json:"startup_ms_p95"`
	Charts           map[string]float64 `json:"charts"`
}

// runSimDashboard renders the dashboard once every stream is on it, saves
// its screenshot (kept in $SRS_P2P_ARTIFACTS when set) and returns what it
// showed.
func runSimDashboard(t *testing.T, node string, sc *sidecar, streams int) simDashboard {
	t.Helper()
	dir := t.TempDir()
	shot := filepath.Join(dir, "dashboard.png")
	// Bounds, not speed targets: Chromium starts slowly on a busy machine.
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join(e2eBrowserDir, "dashboard.mjs"), "--url", sc.url("/"),
		"--screenshot", shot, "--wait-streams", strconv.Itoa(streams), "--timeout", "120000")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			t.Fatalf("node dashboard.mjs: %v (%s)", err, e2eInstallHint)
		}
		t.Fatalf("node dashboard.mjs: %v\nstderr: %s\nstdout: %s", err, stderr.String(), out)
	}
	png, err := os.ReadFile(shot)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) || len(png) < 10_000 {
		t.Errorf("screenshot %s: %d bytes, err %v: want a PNG of the page", shot, len(png), err)
	}
	saveE2EArtifacts(t, dir)
	var d simDashboard
	if err := json.Unmarshal(out, &d); err != nil {
		t.Fatalf("dashboard.mjs output: %v\n%s", err, out)
	}
	return d
}

// checkSimDashboard requires the dashboard to show every stream as the API
// listed it around the run (before, after) and with the fleet's sums: its
// viewers are the 10 s window's (the heartbeats keep them), its other
// numbers the 60 s window's, compared with the sums when that window holds
// every report. Upload is a rate over a window that grows while the page
// loads, so it lies between the two listings.
func checkSimDashboard(t *testing.T, d simDashboard, f *simFleet, before, after map[string]simListed, in60s bool) {
	t.Helper()
	if d.API != "ok" || d.Updates < 1 || d.Empty || d.Server != itestOrigin || d.Version != buildVersion {
		t.Errorf("dashboard: api %q, %d updates, empty %v, server %q, version %q; want ok, >= 1, false, %q, %q",
			d.API, d.Updates, d.Empty, d.Server, d.Version, itestOrigin, buildVersion)
	}
	var viewers, hashFailures, upload float64
	var p2p, cdn int64
	for si, st := range f.streams {
		tot, aud := f.expect(si)
		key := streamApp + "/" + st.name
		ds, ok := d.Streams[key]
		a, b := after[st.name], before[st.name]
		if !ok {
			t.Errorf("dashboard has no stream %q: %v", key, d.Streams)
			continue
		}
		errorf := func(format string, args ...any) { t.Errorf("dashboard %s: "+format, append([]any{key}, args...)...) }
		if ds.Vhost != a.Vhost || ds.App != a.App || ds.Name != a.Name || ds.Epoch != a.Epoch || ds.Publishing != a.Publishing {
			errorf("%s/%s/%s epoch %q publishing %v, API %s/%s/%s %q %v",
				ds.Vhost, ds.App, ds.Name, ds.Epoch, ds.Publishing, a.Vhost, a.App, a.Name, a.Epoch, a.Publishing)
		}
		if ds.Viewers != float64(aud.viewers) {
			errorf("viewers %v, want %d", ds.Viewers, aud.viewers)
		}
		peers := 0
		if a.Swarm != nil {
			peers = a.Swarm.Peers
		}
		if ds.Peers != float64(peers) {
			errorf("peers %v, the API's swarm has %d", ds.Peers, peers)
		}
		if ds.Charts["offload"] < 1 || ds.Charts["viewers"] != ds.Charts["offload"] {
			errorf("charts %v, want both with the same number (>= 1) of history points", ds.Charts)
		}
		if in60s {
			w := a.Pingback["60s"]
			if ds.StartupMSP50 != float64(w.StartupMSP50) || ds.StartupMSP95 != float64(w.StartupMSP95) {
				errorf("startup p50/p95 %v/%v, API %d/%d", ds.StartupMSP50, ds.StartupMSP95, w.StartupMSP50, w.StartupMSP95)
			}
			checkSimDashNumbers(errorf, ds, tot)
			lo, hi := a.Pingback["60s"].UploadBPS, b.Pingback["60s"].UploadBPS
			if ds.UploadBPS < lo*(1-1e-9) || ds.UploadBPS > hi*(1+1e-9) {
				errorf("upload_bps %v, want between the API's %v (after) and %v (before)", ds.UploadBPS, lo, hi)
			}
		}
		t.Logf("dashboard %s: %v viewers, offload %.4f, upload %.4g bit/s, %v stalls (ratio %.4f), %v hash failures, conn ok %.3f, startup p50/p95 %v/%v ms, %v peers",
			key, ds.Viewers, ds.OffloadRatio, ds.UploadBPS, ds.Stalls, ds.StallRatio, ds.HashFailures, ds.ConnSuccessRatio, ds.StartupMSP50, ds.StartupMSP95, ds.Peers)
		viewers += ds.Viewers
		hashFailures += ds.HashFailures
		upload += ds.UploadBPS
		p2p += tot.P2PDownBytes
		cdn += tot.CDNBytes
	}
	tt := d.Totals
	if tt.Streams != float64(len(f.streams)) || tt.Viewers != viewers || tt.HashFailures != hashFailures ||
		math.Abs(tt.UploadBPS-upload) > 1e-9*upload {
		t.Errorf("dashboard totals %+v, want %d streams, %v viewers, %v hash failures, %v bit/s", tt, len(f.streams), viewers, hashFailures, upload)
	}
	if want := simRatio(p2p, p2p+cdn); in60s && math.Abs(tt.OffloadRatio-want) > 1e-9 {
		t.Errorf("dashboard total offload_ratio %v, want %v", tt.OffloadRatio, want)
	}
}

// checkSimDashNumbers compares a stream's 60 s numbers with its sums.
func checkSimDashNumbers(errorf func(string, ...any), ds simDashStream, tot simTotals) {
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"stalls", ds.Stalls, float64(tot.Stalls)},
		{"hash_failures", ds.HashFailures, float64(tot.HashFailures)},
		{"offload_ratio", ds.OffloadRatio, simRatio(tot.P2PDownBytes, tot.P2PDownBytes+tot.CDNBytes)},
		{"stall_ratio", ds.StallRatio, min(simRatio(tot.StallMS, tot.WatchMS), 1)},
		{"conn_success_ratio", ds.ConnSuccessRatio, simRatio(tot.ConnOK, tot.ConnOK+tot.ConnFail)},
	} {
		if math.Abs(c.got-c.want) > 1e-9 {
			errorf("%s %.12g, the reports sent add up to %.12g", c.name, c.got, c.want)
		}
	}
	for _, p := range []struct {
		name string
		got  float64
		q    float64
	}{{"startup_ms_p50", ds.StartupMSP50, 0.50}, {"startup_ms_p95", ds.StartupMSP95, 0.95}} {
		if want := simQuantile(tot.Startups, p.q); math.Abs(p.got-float64(want)) > float64(want)/16 {
			errorf("%s %v, want %d within 6.25%%", p.name, p.got, want)
		}
	}
}
