package dashboard

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"syscall"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
)

// browserDir holds dashboard.mjs and its node_modules, relative to this
// package's directory.
const browserDir = "../../integration/browser"

const installHint = "run `make deps` (Debian: apt-get install -y nodejs chromium; then npm ci in integration/browser)"

// pageState is the JSON line dashboard.mjs prints.
type pageState struct {
	API       string  `json:"api"`
	Updates   int     `json:"updates"`
	Version   string  `json:"version"`
	Server    string  `json:"server"`
	UpdatedAt string  `json:"updated_at"`
	Error     *string `json:"error"` // only when the banner is shown
	Empty     bool    `json:"empty"` // the "no live streams" hint is shown
	Layout    struct {
		Width       int `json:"width"`
		ScrollWidth int `json:"scroll_width"`
	} `json:"layout"`
	Totals  map[string]any            `json:"totals"`
	Streams map[string]map[string]any `json:"streams"`
}

// requireBrowser fails (never skips) when the browser test's tools are
// missing, naming the command that installs them.
func requireBrowser(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is not in PATH: %s", installHint)
	}
	for _, p := range []string{"/usr/bin/chromium", filepath.Join(browserDir, "node_modules", "puppeteer-core", "package.json")} {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s is missing: %s", p, installHint)
		}
	}
	return node
}

// viewport is the browser window size of a run.
type viewport struct{ width, height int }

var desktop = viewport{1280, 800}

// runDashboard serves the dashboard with api mounted beside it, runs
// dashboard.mjs against it and returns what the page rendered.
func runDashboard(t *testing.T, name string, api *fakeAPI, vp viewport, args ...string) pageState {
	t.Helper()
	node := requireBrowser(t)
	d, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	r := chi.NewRouter()
	d.Mount(r)
	api.mount(r)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)

	shot := filepath.Join(t.TempDir(), "dashboard-"+name+".png")
	ctx, cancel := context.WithTimeout(context.Background(), 28*time.Second)
	defer cancel()
	cmdArgs := append([]string{filepath.Join(browserDir, "dashboard.mjs"), "--url", srv.URL + "/",
		"--screenshot", shot, "--timeout", "20000", "--viewport", fmt.Sprintf("%dx%d", vp.width, vp.height)}, args...)
	cmd := exec.CommandContext(ctx, node, cmdArgs...)
	// On timeout ask node to stop: it kills its browser on SIGTERM, where
	// SIGKILL would leave Chromium running.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node %v: %v\nstderr:\n%s\nstdout:\n%s", cmdArgs, err, stderr.String(), stdout.String())
	}
	var st pageState
	dec := json.NewDecoder(&stdout)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&st); err != nil {
		t.Fatalf("dashboard.mjs printed no valid JSON line: %v\nstderr:\n%s", err, stderr.String())
	}
	checkScreenshot(t, shot, vp)
	saveArtifact(t, shot)
	if st.Layout.Width != vp.width || st.Layout.ScrollWidth > vp.width {
		t.Errorf("page is %d px wide in a %d px window (reported width %d): it scrolls sideways",
			st.Layout.ScrollWidth, vp.width, st.Layout.Width)
	}
	return st
}

// checkScreenshot requires a PNG of the viewport's size that is not one
// flat color.
func checkScreenshot(t *testing.T, path string, vp viewport) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot %s is not a PNG: %v", path, err)
	}
	if b := img.Bounds(); b.Dx() != vp.width || b.Dy() != vp.height {
		t.Fatalf("screenshot is %dx%d, want %dx%d", b.Dx(), b.Dy(), vp.width, vp.height)
	}
	colors := map[[4]uint32]bool{}
	for y := 0; y < vp.height; y += 7 {
		for x := 0; x < vp.width; x += 7 {
			r, g, b, a := img.At(x, y).RGBA()
			colors[[4]uint32{r, g, b, a}] = true
		}
	}
	if len(colors) < 8 {
		t.Fatalf("screenshot has %d colors: a blank page?", len(colors))
	}
}

// saveArtifact copies the screenshot to $SRS_P2P_ARTIFACTS when set, for
// people to look at after a CI run.
func saveArtifact(t *testing.T, path string) {
	t.Helper()
	dir := os.Getenv("SRS_P2P_ARTIFACTS")
	if dir == "" {
		return
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, filepath.Base(path)), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// compareStreams reports every field of every stream that differs from want.
func compareStreams(t *testing.T, got, want map[string]map[string]any) {
	t.Helper()
	keys := func(m map[string]map[string]any) []string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	if !reflect.DeepEqual(keys(got), keys(want)) {
		t.Fatalf("streams rendered %v, want %v", keys(got), keys(want))
	}
	for key, w := range want {
		g := got[key]
		for field, wv := range w {
			if !reflect.DeepEqual(g[field], wv) {
				t.Errorf("%s %s = %#v, want %#v", key, field, g[field], wv)
			}
		}
		for field := range g {
			if _, ok := w[field]; !ok {
				t.Errorf("%s: unexpected field %s = %#v", key, field, g[field])
			}
		}
	}
}

func compareFields(t *testing.T, what string, got, want map[string]any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func TestBrowserRendersStreamsAndCharts(t *testing.T) {
	tests := []struct {
		name    string
		vp      viewport
		updates int // polls to wait for: 2 shows the page updates live
	}{
		{"desktop", desktop, 2},
		{"phone", viewport{390, 844}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newFakeAPI(-1)
			st := runDashboard(t, "live-"+tt.name, api, tt.vp, "--wait-streams", "3", "--wait-updates", fmt.Sprint(tt.updates))

			// The page shows one poll's list: find which from a value that
			// grows by one per poll, then require every field of that poll.
			g := int(toFloat(st.Streams["live/alpha"]["viewers"])) - 10
			if g < tt.updates || g > api.served() {
				t.Fatalf("page shows generation %d, want %d..%d", g, tt.updates, api.served())
			}
			compareStreams(t, st.Streams, api.expectedStreams(g))
			compareFields(t, "totals", st.Totals, api.expectedTotals(g))
			if st.API != "ok" || st.Error != nil || st.Empty || st.Updates < tt.updates {
				t.Errorf("api %q error %v empty %v updates %d, want ok, no error, not empty, >= %d updates",
					st.API, st.Error, st.Empty, st.Updates, tt.updates)
			}
			if st.Version != fakeVersion || st.Server != fakeServerID {
				t.Errorf("header version %q server %q, want %q %q", st.Version, st.Server, fakeVersion, fakeServerID)
			}
			if _, err := time.Parse(time.RFC3339, st.UpdatedAt); err != nil {
				t.Errorf("updated_at %q: %v", st.UpdatedAt, err)
			}
		})
	}
}

func TestBrowserShowsAPIErrors(t *testing.T) {
	const want = "GET /api/v1/streams: HTTP 500 (internal error)"
	tests := []struct {
		name      string
		failAfter int
		streams   int
		updates   int
		version   string
	}{
		// Data from the first poll stays on screen, with the error of the second.
		{name: "after-data", failAfter: 1, streams: 3, updates: 2, version: fakeVersion},
		// No data ever: the page shows the error, not a blank page.
		{name: "from-start", failAfter: 0, streams: 0, updates: 1, version: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newFakeAPI(tt.failAfter)
			st := runDashboard(t, "error-"+tt.name, api, desktop, "--expect-error", "--wait-updates", fmt.Sprint(tt.updates),
				"--wait-streams", fmt.Sprint(tt.streams))
			if st.API != "error" || st.Error == nil || *st.Error != want {
				t.Fatalf("api %q error %v, want error %q shown", st.API, st.Error, want)
			}
			if st.Version != tt.version || st.Empty {
				t.Errorf("version %q empty %v, want %q and no empty-state hint", st.Version, st.Empty, tt.version)
			}
			wantStreams := map[string]map[string]any{}
			if tt.streams > 0 {
				wantStreams = api.expectedStreams(1)
			}
			compareStreams(t, st.Streams, wantStreams)
		})
	}
}

func TestBrowserShowsEmptyState(t *testing.T) {
	api := newFakeAPI(-1)
	api.streams = nil
	st := runDashboard(t, "empty", api, desktop, "--wait-streams", "0")
	if st.API != "ok" || !st.Empty || len(st.Streams) != 0 || st.Totals["streams"] != 0.0 {
		t.Fatalf("api %q empty %v streams %v totals %v, want ok with the empty-state hint", st.API, st.Empty, st.Streams, st.Totals)
	}
}
