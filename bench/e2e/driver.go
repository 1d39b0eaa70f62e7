package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// driverConfig is viewers.mjs's --json-config.
type driverConfig struct {
	URL         string  `json:"url"`
	Viewers     int     `json:"viewers"`
	DurationS   float64 `json:"duration_s"`
	FirstAloneS float64 `json:"first_alone_s"`
	StaggerS    float64 `json:"stagger_s"`
	OutDir      string  `json:"out_dir"`
	Screenshots string  `json:"screenshots"`
	Chromium    string  `json:"chromium"`
}

// result is the part of viewers.mjs's output the report reads.
type result struct {
	OK          bool     `json:"ok"`
	Error       *string  `json:"error"`
	StartedAtMS int64    `json:"started_at_ms"`
	Browser     string   `json:"browser"`
	Viewers     []viewer `json:"viewers"`
}

type viewer struct {
	Index       int      `json:"index"`
	OpenError   *string  `json:"open_error"`
	NotReady    bool     `json:"not_ready"`
	PlayerError *string  `json:"player_error"`
	PageErrors  []string `json:"page_errors"`
	OpenedAtMS  int64    `json:"opened_at_ms"`
	Final       *stats   `json:"final"`
	FinalStale  bool     `json:"final_stale"`
	Last        *stats   `json:"last"`
	Series      []point  `json:"series"`
}

type point struct {
	T     int64 `json:"t"`
	Stats stats `json:"stats"`
}

// stats is window.srsP2P.stats(); nullable numbers decode as 0.
type stats struct {
	PeerID       string   `json:"peer_id"`
	NAT          string   `json:"nat"`
	Playing      bool     `json:"playing"`
	CurrentTime  float64  `json:"current_time"`
	LiveLatencyS *float64 `json:"live_latency_s"`
	StartupMS    *float64 `json:"startup_ms"`
	CDNBytes     int64    `json:"cdn_bytes"`
	P2PDownBytes int64    `json:"p2p_down_bytes"`
	P2PUpBytes   int64    `json:"p2p_up_bytes"`
	SegmentsCDN  int64    `json:"segments_cdn"`
	SegmentsP2P  int64    `json:"segments_p2p"`
	Verified     int64    `json:"verified"`
	Rejected     int64    `json:"rejected"`
	Peers        int64    `json:"peers"`
	Stalls       int64    `json:"stalls"`
	StallMS      float64  `json:"stall_ms"`
}

// maxResultBytes bounds the driver's output (16 viewers x 1 hour of
// once-a-second samples is about 20 MB).
const maxResultBytes = 64 << 20

// decodeResult parses the driver's stdout: one JSON object, nothing after,
// with as many viewers as asked for, each counter non-negative.
func decodeResult(b []byte, viewers int) (*result, error) {
	if len(b) > maxResultBytes {
		return nil, fmt.Errorf("driver output of %d bytes is over %d", len(b), maxResultBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimSpace(b)))
	var r result
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("driver output: %w", err)
	}
	if dec.More() {
		return nil, errors.New("driver output: data after the result object")
	}
	if !r.OK {
		msg := "no reason given"
		if r.Error != nil {
			msg = *r.Error
		}
		return &r, fmt.Errorf("driver failed: %s", msg)
	}
	if len(r.Viewers) != viewers {
		return nil, fmt.Errorf("driver reported %d viewers, asked for %d", len(r.Viewers), viewers)
	}
	for i, v := range r.Viewers {
		for _, s := range append([]*stats{v.Final, v.Last}, seriesStats(v.Series)...) {
			if s != nil && !s.valid() {
				return nil, fmt.Errorf("viewer %d: negative or impossible stats %+v", i, *s)
			}
		}
	}
	return &r, nil
}

func seriesStats(ps []point) []*stats {
	out := make([]*stats, len(ps))
	for i := range ps {
		out[i] = &ps[i].Stats
	}
	return out
}

func (s *stats) valid() bool {
	return s.CDNBytes >= 0 && s.P2PDownBytes >= 0 && s.P2PUpBytes >= 0 && s.SegmentsCDN >= 0 && s.SegmentsP2P >= 0 &&
		s.Verified >= 0 && s.Rejected >= 0 && s.Peers >= 0 && s.Stalls >= 0 && s.StallMS >= 0 &&
		(s.LiveLatencyS == nil || *s.LiveLatencyS >= 0) && (s.StartupMS == nil || *s.StartupMS >= 0)
}

// runDriver runs viewers.mjs to completion. Its stderr (progress lines)
// goes to ours; on cancellation it gets SIGTERM, on which it closes its
// browser and still prints its result.
func runDriver(ctx context.Context, driver string, cfg driverConfig) (*result, error) {
	js, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	budget := time.Duration(cfg.DurationS+cfg.FirstAloneS+cfg.StaggerS*float64(cfg.Viewers)+180) * time.Second
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", driver, "--json-config", string(js))
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 30 * time.Second
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, os.Stderr
	runErr := cmd.Run()
	r, err := decodeResult(stdout.Bytes(), cfg.Viewers)
	if err != nil {
		return nil, fmt.Errorf("%w (node exited: %v)", err, runErr)
	}
	return r, nil
}
