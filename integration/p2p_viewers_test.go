package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// e2eBrowserDir holds the headless Chromium drivers and their node_modules.
const e2eBrowserDir = "browser"

// e2eChromium is Debian's chromium, the browser every browser test uses.
const e2eChromium = "/usr/bin/chromium"

const e2eInstallHint = "run make deps (it installs chromium and node and runs npm ci in integration/browser)"

// requireE2EBrowser returns node's path, or fails (never skips) naming the fix.
func requireE2EBrowser(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is not in PATH: %s", e2eInstallHint)
	}
	for _, p := range []string{e2eChromium, filepath.Join(e2eBrowserDir, "node_modules", "puppeteer-core", "package.json")} {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s is missing: %s", p, e2eInstallHint)
		}
	}
	return node
}

// viewersConfig is viewers.mjs's --json-config (see its header comment).
type viewersConfig struct {
	URL          string  `json:"url"`
	Viewers      int     `json:"viewers"`
	DurationS    float64 `json:"duration_s"`
	FirstAloneS  float64 `json:"first_alone_s"`
	StaggerS     float64 `json:"stagger_s"`
	Poison       []int   `json:"poison,omitempty"`
	OutDir       string  `json:"out_dir"`
	Screenshots  string  `json:"screenshots"`
	ReadyTimeout float64 `json:"ready_timeout_s,omitempty"`
}

// viewersResult is the one JSON object viewers.mjs prints.
type viewersResult struct {
	OK          bool           `json:"ok"`
	Error       *string        `json:"error"`
	StartedAtMS int64          `json:"started_at_ms"`
	EndedAtMS   int64          `json:"ended_at_ms"`
	Browser     string         `json:"browser"`
	Viewers     []viewerRecord `json:"viewers"`
}

type viewerRecord struct {
	Index             int              `json:"index"`
	Poison            bool             `json:"poison"`
	OpenedAtMS        int64            `json:"opened_at_ms"`
	OpenError         *string          `json:"open_error"`
	ReadyAtMS         int64            `json:"ready_at_ms"`
	NotReady          bool             `json:"not_ready"`
	PlayerError       *string          `json:"player_error"`
	Visibility        string           `json:"visibility"`
	Last              *playerStats     `json:"last"`
	Final             *playerStats     `json:"final"`
	FinalFrom         *string          `json:"final_from"`
	FinalStale        bool             `json:"final_stale"`
	LeftAtMS          int64            `json:"left_at_ms"`
	Series            []seriesPoint    `json:"series"`
	PageErrors        []string         `json:"page_errors"`
	ConsoleErrors     []string         `json:"console_errors"`
	ConsoleErrorCount int              `json:"console_error_count"`
	RequestFailures   []map[string]any `json:"request_failures"`
	AbortedRequests   int              `json:"aborted_requests"`
	HTTPErrors        []map[string]any `json:"http_errors"`
	OffsiteRequests   []string         `json:"offsite_requests"`
	PingbackPosts     struct {
		Sent   int `json:"sent"`
		OK     int `json:"ok"`
		Failed int `json:"failed"`
	} `json:"pingback_posts"`
	PollFailures    int              `json:"poll_failures"`
	Instrumentation *instrumentation `json:"instrumentation"`
	Screenshot      *string          `json:"screenshot"`
}

type seriesPoint struct {
	T     int64       `json:"t"`
	Stats playerStats `json:"stats"`
}

// instrumentation is what inpage.mjs recorded in the page.
type instrumentation struct {
	WS struct {
		Events  []trackerEvent   `json:"events"`
		Dropped int              `json:"dropped"`
		Totals  map[string]int64 `json:"totals"`
	} `json:"ws"`
	ICE struct {
		Candidates []string `json:"candidates"` // "<type> <address> <transport>"
		PCs        int      `json:"pcs"`
		Connected  int      `json:"connected"`
		Failed     int      `json:"failed"`
	} `json:"ice"`
	Poison struct {
		Enabled        bool  `json:"enabled"`
		Chunks         int64 `json:"chunks"`
		Bytes          int64 `json:"bytes"`
		CommandsPassed int64 `json:"commands_passed"`
	} `json:"poison"`
}

// trackerEvent is one tracker frame the page sent ("out") or got ("in").
type trackerEvent struct {
	T      int64  `json:"t"`
	Dir    string `json:"dir"`
	Kind   string `json:"kind"` // offer, answer, failure, reply, announce
	Peer   string `json:"peer"`
	Reason string `json:"reason"`
}

// playerStats is window.srsP2P.stats() as the player contract fixes it:
// counters are integers, times may be fractional.
type playerStats struct {
	SwarmID        string           `json:"swarm_id"`
	PeerID         string           `json:"peer_id"`
	NAT            string           `json:"nat"`
	Playing        bool             `json:"playing"`
	CurrentTime    float64          `json:"current_time"`
	LiveLatencyS   float64          `json:"live_latency_s"`
	StartupMS      float64          `json:"startup_ms"`
	CDNBytes       int64            `json:"cdn_bytes"`
	P2PDownBytes   int64            `json:"p2p_down_bytes"`
	P2PUpBytes     int64            `json:"p2p_up_bytes"`
	SegmentsCDN    int64            `json:"segments_cdn"`
	SegmentsP2P    int64            `json:"segments_p2p"`
	Verified       int64            `json:"verified"`
	Rejected       int64            `json:"rejected"`
	RejectedByPeer map[string]int64 `json:"rejected_by_peer"`
	Peers          int64            `json:"peers"`
	Stalls         int64            `json:"stalls"`
	StallMS        float64          `json:"stall_ms"`
	PingbacksSent  int64            `json:"pingbacks_sent"`
	PingbackErrors int64            `json:"pingback_errors"`
	TrackerErrors  []string         `json:"tracker_errors"`
}

// statsKeys are the keys the contract requires in stats().
var statsKeys = []string{"swarm_id", "peer_id", "nat", "playing", "current_time", "live_latency_s", "startup_ms",
	"cdn_bytes", "p2p_down_bytes", "p2p_up_bytes", "segments_cdn", "segments_p2p", "verified", "rejected",
	"rejected_by_peer", "peers", "stalls", "stall_ms", "pingbacks_sent", "pingback_errors", "tracker_errors"}

// viewersRun is one viewers.mjs process a test owns.
type viewersRun struct {
	t      *testing.T
	cfg    viewersConfig
	cmd    *exec.Cmd
	cancel context.CancelFunc
	stdout bytes.Buffer
	stderr *syncBuffer
	done   chan struct{} // closed when the process has exited
	err    error         // set before done is closed
}

// startViewers starts viewers.mjs with cfg, bounded by the driver's own
// global timeout plus a margin. Its JSON and screenshots stay under a
// t.TempDir() and go to $SRS_P2P_ARTIFACTS/<test> when that is set.
func startViewers(t *testing.T, cfg viewersConfig) *viewersRun {
	t.Helper()
	node := requireE2EBrowser(t)
	cfg.OutDir = t.TempDir()
	if cfg.Screenshots == "" {
		cfg.Screenshots = "always"
	}
	js, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	limit := time.Duration(cfg.DurationS+cfg.FirstAloneS+cfg.StaggerS*float64(cfg.Viewers)+180) * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	r := &viewersRun{t: t, cfg: cfg, cancel: cancel, stderr: &syncBuffer{}, done: make(chan struct{})}
	r.cmd = exec.CommandContext(ctx, node, filepath.Join(e2eBrowserDir, "viewers.mjs"), "--json-config", string(js))
	// On timeout ask node to stop: it closes its browser on SIGTERM, where
	// SIGKILL could leave Chromium running.
	r.cmd.Cancel = func() error { return r.cmd.Process.Signal(syscall.SIGTERM) }
	r.cmd.WaitDelay = 30 * time.Second
	r.cmd.Stdout, r.cmd.Stderr = &r.stdout, r.stderr
	if err := r.cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start viewers.mjs: %v", err)
	}
	go func() {
		r.err = r.cmd.Wait()
		close(r.done)
	}()
	t.Cleanup(func() {
		cancel() // SIGTERM if still running
		<-r.done
		saveE2EArtifacts(t, cfg.OutDir)
	})
	return r
}

// running reports whether the driver has not exited yet.
func (r *viewersRun) running() bool {
	select {
	case <-r.done:
		return false
	default:
		return true
	}
}

// wait waits for the driver and returns its result; a failed run fails
// the test with the driver's own words.
func (r *viewersRun) wait() *viewersResult {
	t := r.t
	t.Helper()
	<-r.done
	r.cancel()
	var res viewersResult
	if err := json.Unmarshal(bytes.TrimSpace(r.stdout.Bytes()), &res); err != nil {
		t.Fatalf("viewers.mjs (%v) printed no result: %v\nstderr:\n%s\nstdout:\n%s", r.err, err, tail(r.stderr.String(), 60), truncate(r.stdout.Bytes(), 2000))
	}
	if r.err != nil || !res.OK {
		t.Fatalf("viewers.mjs failed (%v): %s\nstderr:\n%s", r.err, strOrNil(res.Error), tail(r.stderr.String(), 60))
	}
	if len(res.Viewers) != r.cfg.Viewers {
		t.Fatalf("viewers.mjs reported %d viewers, want %d", len(res.Viewers), r.cfg.Viewers)
	}
	checkStatsShape(t, r.stdout.Bytes())
	t.Logf("viewers.mjs: %s, %d viewers for %.0fs; results in %s", res.Browser, r.cfg.Viewers, r.cfg.DurationS, r.cfg.OutDir)
	return &res
}

// checkStatsShape requires every key of the stats() contract in every
// final and last snapshot (a missing key would decode as a zero and pass
// an equality check for the wrong reason).
func checkStatsShape(t *testing.T, out []byte) {
	t.Helper()
	var raw struct {
		Viewers []struct {
			Final map[string]json.RawMessage `json:"final"`
			Last  map[string]json.RawMessage `json:"last"`
		} `json:"viewers"`
	}
	if err := json.Unmarshal(bytes.TrimSpace(out), &raw); err != nil {
		t.Fatal(err)
	}
	for i, v := range raw.Viewers {
		for name, m := range map[string]map[string]json.RawMessage{"final": v.Final, "last": v.Last} {
			if m == nil {
				continue
			}
			var missing []string
			for _, k := range statsKeys {
				if _, ok := m[k]; !ok {
					missing = append(missing, k)
				}
			}
			if len(missing) > 0 {
				t.Errorf("viewer %d: %s stats() lacks %s", i, name, strings.Join(missing, ", "))
			}
		}
	}
}

// saveE2EArtifacts copies the driver's output dir to $SRS_P2P_ARTIFACTS/<test>.
func saveE2EArtifacts(t *testing.T, dir string) {
	root := os.Getenv("SRS_P2P_ARTIFACTS")
	if root == "" {
		return
	}
	dst := filepath.Join(root, strings.ReplaceAll(t.Name(), "/", "_"))
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Errorf("artifacts: %v", err)
		return
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err == nil {
			err = os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644)
		}
		if err != nil {
			t.Errorf("artifacts: %v", err)
		}
	}
}

func strOrNil(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

// describe is a one-line summary of a viewer for failure messages.
func (v *viewerRecord) describe() string {
	s := v.Final
	if s == nil {
		s = v.Last
	}
	if s == nil {
		return fmt.Sprintf("viewer %d: no stats (open_error %s, player_error %s)", v.Index, strOrNil(v.OpenError), strOrNil(v.PlayerError))
	}
	return fmt.Sprintf("viewer %d (%s%s): playing=%v t=%.1fs latency=%.1fs cdn=%d p2p_down=%d p2p_up=%d seg_cdn=%d seg_p2p=%d verified=%d rejected=%d %v peers=%d stalls=%d pingbacks=%d/%d errors, tracker_errors=%q",
		v.Index, s.PeerID, map[bool]string{true: ", poisoned", false: ""}[v.Poison], s.Playing, s.CurrentTime, s.LiveLatencyS,
		s.CDNBytes, s.P2PDownBytes, s.P2PUpBytes, s.SegmentsCDN, s.SegmentsP2P, s.Verified, s.Rejected, s.RejectedByPeer,
		s.Peers, s.Stalls, s.PingbacksSent, s.PingbackErrors, s.TrackerErrors)
}
