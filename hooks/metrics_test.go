package hooks

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
)

func TestMetrics(t *testing.T) {
	h, _, router := testRouter(t, hostileConfig(), nil)
	// Known actions start at zero before any hook.
	for _, a := range actions {
		name := `srs_p2p_hooks_total{action="` + a + `",result="ok"}`
		if v := counter(t, h.Metrics(), name); v != 0 {
			t.Fatalf("%s = %v before any hook, want 0", name, v)
		}
	}
	requests := []struct {
		method, target, remote string
		body                   []byte
	}{
		{http.MethodPost, okTarget, local, with(hlsBody())},
		{http.MethodPost, okTarget, local, with(hlsBody())},
		{http.MethodPost, dispatchTarget, local, with(hlsBody(), "url", "../x.ts")},
		{http.MethodPost, dispatchTarget, local, []byte(`{`)},
		{http.MethodPost, "/api/v1/hooks/on_nope?secret=" + testSecret, local, with(hlsBody())},
		{http.MethodPost, pubTarget, "203.0.113.9:1", with(publishBody())},
		{http.MethodPost, pubTarget, local, with(publishBody())},
		{http.MethodGet, "/api/v1/hooks/on_hls_notify/a/b.ts?secret=" + testSecret, local, nil},
	}
	for _, r := range requests {
		do(router, r.method, r.target, jsonType, r.remote, r.body)
	}
	want := map[string]float64{
		`srs_p2p_hooks_total{action="on_hls",result="ok"}`:                         2,
		`srs_p2p_hooks_total{action="on_hls",result="path_outside"}`:               1,
		`srs_p2p_hooks_total{action="unknown",result="malformed"}`:                 1,
		`srs_p2p_hooks_total{action="unknown",result="unknown_action"}`:            1,
		`srs_p2p_hooks_total{action="on_publish",result="caller_not_allowed"}`:     1,
		`srs_p2p_hooks_total{action="on_publish",result="publish_not_authorized"}`: 1,
		`srs_p2p_hooks_total{action="on_publish",result="ok"}`:                     0,
		`srs_p2p_hooks_total{action="on_hls_notify",result="ok"}`:                  1,
		`srs_p2p_hook_duration_seconds_count`:                                      float64(len(requests)),
		`srs_p2p_hooks_total{action="on_hls",result="malformed"}`:                  -1, // never happened: absent
	}
	for name, v := range want {
		if got := counter(t, h.Metrics(), name); got != v {
			t.Errorf("%s = %v, want %v", name, got, v)
		}
	}
	var buf bytes.Buffer
	h.Metrics().WritePrometheus(&buf)
	for line := range strings.SplitSeq(buf.String(), "\n") {
		if line != "" && !strings.HasPrefix(line, "srs_p2p_") && !strings.HasPrefix(line, "#") {
			t.Errorf("metric without the srs_p2p_ prefix: %q", line)
		}
	}
}

// TestMetricNamesBounded: every label combination is precomputed from the
// fixed action and failure tables.
func TestMetricNamesBounded(t *testing.T) {
	m := newHookMetrics()
	seen := map[string]bool{}
	for a := range m.names {
		for r := range m.names[a] {
			n := m.names[a][r]
			if seen[n] || !strings.HasPrefix(n, `srs_p2p_hooks_total{action="`) {
				t.Fatalf("bad or duplicate name %q", n)
			}
			seen[n] = true
		}
	}
	if len(seen) != (len(actions)+1)*(len(failures)+1) {
		t.Fatalf("%d names", len(seen))
	}
}
