package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/webp2p/srs-p2p/bench/internal/benchutil"
)

// run starts srs-p2p and ffmpeg, runs the viewers and prints the report. It
// fails when something could not run (a tool missing, a page that did not
// open), not when a target is missed: the table says that.
func run(ctx context.Context, o *options, out io.Writer, log *slog.Logger) error {
	driver, err := checkTools(o)
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "srs-p2p-e2e-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	outDir := o.out
	if outDir == "" {
		if outDir, err = os.MkdirTemp("", "srs-p2p-e2e-result-"); err != nil {
			return err
		}
	}
	hls := filepath.Join(work, "hls")
	if err := os.MkdirAll(filepath.Join(hls, streamApp), 0o755); err != nil {
		return err
	}
	ports, err := pickPorts()
	if err != nil {
		return err
	}
	sc, err := benchutil.StartSidecar(ctx, o.bin, settings(o, hls, ports))
	if err != nil {
		return err
	}
	defer func() {
		if err := sc.Stop(); err != nil {
			log.WarnContext(ctx, "e2e: "+err.Error())
		}
	}()
	base := "http://" + sc.Addr()
	page := base + "/play/" + streamApp + "/" + streamName
	if err := checkPage(page); err != nil {
		return err
	}
	ff, err := startFFmpeg(o, hls)
	if err != nil {
		return fmt.Errorf("ffmpeg: %w", err)
	}
	defer ff.Stop()
	tracker := "ws://" + sc.Addr() + "/p2p/v1/tracker"
	if _, err := waitManifest(ctx, hls, tracker, 3, 30*time.Second); err != nil {
		return err
	}
	log.InfoContext(ctx, "e2e: stream live, starting the viewers", "page", page, "viewers", o.viewers, "duration", o.duration, "out", outDir)
	r, err := runDriver(ctx, driver, driverConfig{
		URL: page + "?muted=1", Viewers: o.viewers, DurationS: o.duration.Seconds(),
		FirstAloneS: o.firstAlone.Seconds(), StaggerS: o.stagger.Seconds(),
		OutDir: outDir, Screenshots: "failure", Chromium: o.chromium,
	})
	if err != nil {
		return err
	}
	warmup := o.firstAlone + time.Duration(o.viewers-2)*o.stagger + 20*time.Second
	f := computeFigures(r, min(warmup, o.duration-10*time.Second))
	pb := waitPingback(ctx, base, f, 20*time.Second)
	n, first := sc.Problems()
	printReport(out, o, r, f, pb, n, first)
	fmt.Fprintf(out, "\ndriver result and screenshots: %s\n", outDir)
	for _, v := range r.Viewers {
		if p := viewerProblem(v); p != "" {
			return fmt.Errorf("viewer %d: %s", v.Index, p)
		}
	}
	return nil
}

// checkTools finds what the run needs and says how to get what is missing.
func checkTools(o *options) (driver string, err error) {
	for _, tool := range []string{"ffmpeg", "node"} {
		if _, err := exec.LookPath(tool); err != nil {
			return "", fmt.Errorf("%s is not in PATH: run make deps", tool)
		}
	}
	if _, err := os.Stat(o.chromium); err != nil {
		return "", fmt.Errorf("%s: %v: run make deps", o.chromium, err)
	}
	driver = o.driver
	if !filepath.IsAbs(driver) {
		root, err := repoRoot()
		if err != nil {
			return "", err
		}
		driver = filepath.Join(root, driver)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(driver), "node_modules", "puppeteer-core")); err != nil {
		return "", fmt.Errorf("the driver's puppeteer-core is missing next to %s: run make deps", driver)
	}
	return driver, nil
}

// repoRoot is the directory of go.mod, as the go command finds it.
func repoRoot() (string, error) {
	b, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(b))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("not inside the srs-p2p module: run from the repository")
	}
	return filepath.Dir(mod), nil
}

var client = &http.Client{Timeout: 10 * time.Second}

// checkPage requires the player page: a binary built without the bundle
// answers 503.
func checkPage(page string) error {
	resp, err := client.Get(page)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: status %d: build the binary with the player bundle (make build)", page, resp.StatusCode)
	}
	return nil
}

// waitPingback polls the stream's 300 s pingback window until it equals the
// pages' sums (their final beacons may still be landing), up to timeout.
func waitPingback(ctx context.Context, base string, f figures, timeout time.Duration) agreement {
	deadline := time.Now().Add(timeout)
	var a agreement
	for {
		a = readPingback(base)
		if a.err == "" {
			if a.cdn == f.cdn && a.p2pDown == f.p2pDown && a.p2pUp == f.p2pUp {
				a.ok = true
				return a
			}
			a.err = fmt.Sprintf("cdn %d p2p_down %d p2p_up %d, pages %d %d %d", a.cdn, a.p2pDown, a.p2pUp, f.cdn, f.p2pDown, f.p2pUp)
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return a
		}
		select {
		case <-ctx.Done():
		case <-time.After(500 * time.Millisecond):
		}
	}
}

func readPingback(base string) agreement {
	resp, err := client.Get(base + "/api/v1/streams/" + streamApp + "/" + streamName)
	if err != nil {
		return agreement{err: err.Error()}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return agreement{err: "status " + strconv.Itoa(resp.StatusCode)}
	}
	var r struct {
		Data struct {
			Pingback struct {
				Windows map[string]struct {
					CDNBytes     int64 `json:"cdn_bytes"`
					P2PDownBytes int64 `json:"p2p_down_bytes"`
					P2PUpBytes   int64 `json:"p2p_up_bytes"`
				} `json:"windows"`
			} `json:"pingback"`
		} `json:"data"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 4<<20)).Decode(&r); err != nil {
		return agreement{err: err.Error()}
	}
	w, ok := r.Data.Pingback.Windows["300s"]
	if !ok {
		return agreement{err: "no pingback 300s window in the stream detail"}
	}
	return agreement{cdn: w.CDNBytes, p2pDown: w.P2PDownBytes, p2pUp: w.P2PUpBytes}
}
