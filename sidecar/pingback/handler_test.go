package pingback

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/webp2p/srs-p2p/internal/streamtoken"
)

func TestReplyFormat(t *testing.T) {
	e := newEnv(t, nil)
	body := batchJSON(t, rep("sessionA", 1))
	rp := e.postRaw(body, "text/plain;charset=UTF-8", "", "")
	want := `{"code":0,"server":"origin-a","data":{"interval_ms":10000,"accepted":1,"duplicates":0}}`
	if rp.status != 200 || rp.body != want {
		t.Fatalf("reply %d %s, want %s", rp.status, rp.body, want)
	}
	if rp.header.Get("Access-Control-Allow-Origin") != "*" || rp.header.Get("Content-Type") != "application/json" {
		t.Fatalf("headers %v", rp.header)
	}
	rp = e.postRaw(body, "application/json; charset=utf-8", "", "")
	if !strings.HasSuffix(rp.body, `"accepted":0,"duplicates":1}}`) {
		t.Fatalf("retry reply %s", rp.body)
	}
	if got := e.s.m.bytes.Get(); got != uint64(2*len(body)) {
		t.Errorf("bytes metric %d, want %d", got, 2*len(body))
	}
}

func TestRejections(t *testing.T) {
	good := batchJSON(t, rep("sessionA", 1))
	big := `{"version":1,"reports":[{"swarm_id":"` + strings.Repeat("x", MaxBodyBytes) + `"}]}`
	cases := []struct {
		name, body, ctype string
		status, code      int
		reason            string
	}{
		{"bad json", `{"version":1,`, "application/json", 400, CodeBadRequest, "bad_request"},
		{"bad field", strings.Replace(good, `"seq":1`, `"seq":-1`, 1), "application/json", 400, CodeBadRequest, "bad_request"},
		{"too large", big, "application/json", 413, CodeTooLarge, "too_large"},
		{"content type", good, "application/x-www-form-urlencoded", 415, CodeContentType, "content_type"},
		{"no content type", good, "", 415, CodeContentType, "content_type"},
		{"not live", strings.Replace(good, swarmA, "srs-p2p:test/__defaultVhost__/live/gone/vid-x", 1), "text/plain", 404, CodeNotLive, "not_live"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, nil)
			rp := e.postRaw(c.body, c.ctype, "", "")
			if rp.status != c.status || rp.code != c.code || !strings.HasPrefix(string(rp.data), `"pingback: `) {
				t.Fatalf("reply %d %s, want %d code %d", rp.status, rp.body, c.status, c.code)
			}
			if rp.header.Get("Access-Control-Allow-Origin") != "*" {
				t.Error("error reply without CORS")
			}
			if got := e.s.m.rejected[c.reason].Get(); got != 1 {
				t.Errorf("rejected{reason=%q} = %d, want 1", c.reason, got)
			}
			if e.s.m.accepted.Get() != 0 {
				t.Error("something was counted")
			}
		})
	}
}

// A streamed body (no Content-Length) larger than the limit is cut off.
func TestTooLargeWithoutContentLength(t *testing.T) {
	e := newEnv(t, nil)
	r := chi.NewRouter()
	e.s.Mount(r)
	srv := httptest.NewServer(r)
	defer srv.Close()
	pr, pw := io.Pipe()
	go func() {
		_, _ = pw.Write([]byte(`{"version":1,"reports":[{"swarm_id":"`))
		_, _ = pw.Write([]byte(strings.Repeat("x", 2*MaxBodyBytes)))
		_ = pw.Close()
	}()
	resp, err := http.Post(srv.URL+Path, "application/json", pr)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 413 || !strings.Contains(string(b), `"code":4101`) {
		t.Fatalf("reply %d %s", resp.StatusCode, b)
	}
}

func TestOneBadReportRejectsTheBatch(t *testing.T) {
	e := newEnv(t, nil)
	good := rep("sessionA", 1)
	good.CDNBytes = 10
	other := good
	other.SwarmID, other.Session = "srs-p2p:test/unknown", "sessionB"
	rp := e.postRaw(batchJSON(t, good, other), "application/json", "", "")
	if rp.status != 404 || !strings.Contains(rp.body, "reports[1].swarm_id") {
		t.Fatalf("reply %d %s", rp.status, rp.body)
	}
	if w := e.windows(swarmA).W10s; w.Reports != 0 || w.CDNBytes != 0 {
		t.Fatalf("counted from a rejected batch: %+v", w)
	}
	// The same report alone is counted: the rejection did not mark it seen.
	if acc, _ := e.post(good); acc != 1 {
		t.Fatal("good report not accepted afterwards")
	}
}

func TestStreamFull(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxViewers = 2 })
	e.post(rep("sessionA", 1), rep("sessionB", 1))
	rp := e.postRaw(batchJSON(t, rep("sessionA", 2), rep("sessionC", 1)), "application/json", "", "")
	if rp.status != 503 || rp.code != CodeStreamFull || rp.header.Get("Retry-After") != "10" {
		t.Fatalf("reply %d %s %v", rp.status, rp.body, rp.header)
	}
	if w := e.windows(swarmA).W10s; w.Reports != 2 {
		t.Fatalf("%d reports counted, want 2", w.Reports)
	}
	if !strings.Contains(streamMetricsText(e), `srs_p2p_stream_sessions_refused_total{stream="__defaultVhost__/live/livestream"} 1`) {
		t.Errorf("refusal not counted:\n%s", streamMetricsText(e))
	}
	// Known sessions go on; other streams have their own room.
	b := rep("sessionC", 1)
	b.SwarmID = swarmB
	if acc, _ := e.post(rep("sessionA", 2), b); acc != 2 {
		t.Fatal("known session refused")
	}
}

func TestRateLimitPerNetwork(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Rate, c.Burst = 1, MaxReports })
	var batch []Report
	for i := int64(1); i <= MaxReports; i++ {
		batch = append(batch, rep("sessionA", i))
	}
	if rp := e.postRaw(batchJSON(t, batch...), "application/json", "", "192.0.2.1:1000"); rp.status != 200 {
		t.Fatalf("full burst refused: %s", rp.body)
	}
	one := batchJSON(t, rep("sessionA", 100))
	rp := e.postRaw(one, "application/json", "", "192.0.2.200:2000") // same /24
	if rp.status != 429 || rp.code != CodeRateLimited || rp.header.Get("Retry-After") != "1" {
		t.Fatalf("reply %d %s", rp.status, rp.body)
	}
	if rp := e.postRaw(one, "application/json", "", "192.0.3.1:1000"); rp.status != 200 {
		t.Fatalf("another network refused: %s", rp.body)
	}
	e.advance(time.Second)
	if rp := e.postRaw(batchJSON(t, rep("sessionA", 101)), "application/json", "", "192.0.2.1:1000"); rp.status != 200 {
		t.Fatalf("refilled bucket refused: %s", rp.body)
	}
	// A batch costs one token per report: two are not there.
	rp = e.postRaw(batchJSON(t, rep("sessionA", 102), rep("sessionA", 103)), "application/json", "", "192.0.2.1:1000")
	if rp.status != 429 {
		t.Fatalf("batch over the rate: %d %s", rp.status, rp.body)
	}
}

func TestTrustProxy(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Rate, c.Burst, c.TrustProxy = 1, MaxReports, true })
	r := chi.NewRouter()
	e.s.Mount(r)
	send := func(xff string) int {
		req := httptest.NewRequest(http.MethodPost, Path, strings.NewReader(batchJSON(t, rep("sessionA", 1))))
		req.Header.Set("Content-Type", "text/plain")
		req.Header.Set("X-Forwarded-For", xff)
		req.RemoteAddr = "10.0.0.1:80"
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		return rec.Code
	}
	for i := 0; i < MaxReports; i++ {
		send("203.0.113.9")
	}
	if got := send("1.1.1.1, 203.0.113.77"); got != 429 {
		t.Fatalf("same client network behind the proxy: %d, want 429", got)
	}
	if got := send("203.0.113.9, 198.51.100.1"); got != 200 {
		t.Fatalf("another client network behind the proxy: %d, want 200", got)
	}
}

func TestToken(t *testing.T) {
	secret := []byte("s3cret")
	e := newEnv(t, func(c *Config) { c.TokenSecret = secret })
	body := batchJSON(t, rep("sessionA", 1))
	valid := streamtoken.New(secret, swarmA, t0.Add(time.Hour))
	cases := []struct {
		name, query string
		status      int
	}{
		{"missing", "", 403},
		{"malformed", "?token=abc", 403},
		{"expired", "?token=" + streamtoken.New(secret, swarmA, t0.Add(-time.Second)), 403},
		{"other stream", "?token=" + streamtoken.New(secret, swarmB, t0.Add(time.Hour)), 403},
		{"other secret", "?token=" + streamtoken.New([]byte("nope"), swarmA, t0.Add(time.Hour)), 403},
		{"valid", "?token=" + valid, 200},
	}
	for _, c := range cases {
		rp := e.postRaw(body, "text/plain", c.query, "")
		if rp.status != c.status || (c.status == 403 && rp.code != CodeToken) {
			t.Errorf("%s: %d %s", c.name, rp.status, rp.body)
		}
	}
	b := rep("sessionB", 1)
	b.SwarmID = swarmB
	if rp := e.postRaw(batchJSON(t, rep("sessionA", 2), b), "text/plain", "?token="+valid, ""); rp.status != 403 ||
		!strings.Contains(rp.body, "reports[1]") {
		t.Fatalf("a batch with a report of another stream: %d %s", rp.status, rp.body)
	}
	if strings.Contains(e.log.String(), valid) || strings.Contains(e.log.String(), "s3cret") {
		t.Fatalf("token in the log:\n%s", e.log)
	}
}

func TestPreflightAndMethods(t *testing.T) {
	e := newEnv(t, nil)
	r := chi.NewRouter()
	e.s.Mount(r)
	srv := httptest.NewServer(r)
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodOptions, srv.URL+Path, nil)
	req.Header.Set("Origin", "https://player.example")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "content-type")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	h := resp.Header
	if resp.StatusCode != 204 || h.Get("Access-Control-Allow-Origin") != "*" ||
		!strings.Contains(h.Get("Access-Control-Allow-Methods"), "POST") || h.Get("Access-Control-Allow-Headers") != "Content-Type" {
		t.Fatalf("preflight %d %v", resp.StatusCode, h)
	}
	resp, err = http.Get(srv.URL + Path)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 {
		t.Fatalf("GET: %d", resp.StatusCode)
	}
}

// A rejected request is logged at WARN at most once per second per reason,
// without the client's address.
func TestRejectionLogIsRateLimited(t *testing.T) {
	e := newEnv(t, nil)
	for i := 0; i < 5; i++ {
		e.postRaw(`{`, "application/json", "", "198.51.100.23:4000")
	}
	e.advance(time.Second)
	e.postRaw(`{`, "application/json", "", "198.51.100.23:4000")
	log := e.log.String()
	if n := strings.Count(log, "pingback: request rejected"); n != 2 {
		t.Fatalf("%d warnings, want 2:\n%s", n, log)
	}
	if !strings.Contains(log, "[WARN]") || !strings.Contains(log, "suppressed=4") || strings.Contains(log, "198.51.100") {
		t.Fatalf("log:\n%s", log)
	}
}
