package hooks

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/VictoriaMetrics/metrics"
	"github.com/go-chi/chi/v5"

	"github.com/webp2p/srs-p2p/internal/srslog"
)

// srsTestdata holds the real SRS captures, beside the module in the clone.
const srsTestdata = "../../shared/testdata/srs"

// capture is one line of a hooks.jsonl file: a request SRS really sent.
type capture struct {
	File    string            `json:"-"`
	Line    int               `json:"-"`
	T       string            `json:"t"`
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"`
}

func (c capture) String() string { return c.File + ":" + strconv.Itoa(c.Line) }

// loadCaptures reads every hooks.jsonl and variants-hooks.jsonl.
func loadCaptures(tb testing.TB) []capture {
	tb.Helper()
	var files []string
	for _, pattern := range []string{"*/hooks.jsonl", "*/variants-hooks.jsonl"} {
		m, err := filepath.Glob(filepath.Join(srsTestdata, pattern))
		if err != nil {
			tb.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 4 {
		tb.Fatalf("found %d capture files under %s, want at least 4", len(files), srsTestdata)
	}
	var out []capture
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			tb.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for n := 1; sc.Scan(); n++ {
			if strings.TrimSpace(sc.Text()) == "" {
				continue
			}
			c := capture{File: filepath.Base(filepath.Dir(name)) + "/" + filepath.Base(name), Line: n}
			if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
				tb.Fatalf("%s:%d: %v", name, n, err)
			}
			out = append(out, c)
		}
		if err := sc.Err(); err != nil {
			tb.Fatal(err)
		}
		f.Close()
	}
	return out
}

// event is what the recording sink saw, in order.
type event struct {
	Kind    string // "publish", "unpublish", "hls"
	Publish Publish
	HLS     HLS
	CID     string
}

// recordingSink records every call; it returns at once like a real Sink.
type recordingSink struct {
	mu     sync.Mutex
	events []event
}

func (s *recordingSink) add(ctx context.Context, e event) {
	e.CID = srslog.CID(ctx)
	s.mu.Lock()
	s.events = append(s.events, e)
	s.mu.Unlock()
}

func (s *recordingSink) Publish(ctx context.Context, ev Publish) {
	s.add(ctx, event{Kind: "publish", Publish: ev})
}

func (s *recordingSink) Unpublish(ctx context.Context, ev Publish) {
	s.add(ctx, event{Kind: "unpublish", Publish: ev})
}

func (s *recordingSink) HLS(ctx context.Context, ev HLS) { s.add(ctx, event{Kind: "hls", HLS: ev}) }

func (s *recordingSink) got() []event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]event(nil), s.events...)
}

var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

// testRouter mounts a new handler on a chi router.
func testRouter(tb testing.TB, cfg Config, log io.Writer) (*Handler, *recordingSink, http.Handler) {
	tb.Helper()
	sink := &recordingSink{}
	logger := srslog.Discard()
	if log != nil {
		logger = srslog.New(log, nil)
	}
	h, err := New(cfg, sink, logger)
	if err != nil {
		tb.Fatal(err)
	}
	r := chi.NewRouter()
	h.Mount(r)
	return h, sink, r
}

// do sends one request through the router and returns status, body and the
// Allow and Content-Type headers.
type reply struct {
	status            int
	body, allow, ctyp string
}

func do(router http.Handler, method, target, ctype, remote string, body []byte) reply {
	req := httptest.NewRequest(method, target, bytes.NewReader(body))
	if body == nil {
		req = httptest.NewRequest(method, target, nil)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	req.RemoteAddr = remote
	rec := httptest.NewRecorder()
	router.ServeHTTP(rec, req)
	return reply{rec.Code, rec.Body.String(), rec.Header().Get("Allow"), rec.Header().Get("Content-Type")}
}

// counter reads one sample of a Set's Prometheus output; -1 when absent.
func counter(tb testing.TB, set *metrics.Set, name string) float64 {
	tb.Helper()
	var buf bytes.Buffer
	set.WritePrometheus(&buf)
	for line := range strings.SplitSeq(buf.String(), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				tb.Fatalf("%s: %v", line, err)
			}
			return f
		}
	}
	return -1
}

// hlsBody is a real SRS 6.0.183 on_hls body (v6.0.183/hooks.jsonl) as a
// map, for tests that change one field.
func hlsBody() map[string]any {
	return map[string]any{
		"server_id": "vid-e38ice4", "service_id": "47pa406v", "action": "on_hls",
		"client_id": "35290174", "ip": "127.0.0.1", "vhost": "__defaultVhost__", "app": "live",
		"tcUrl": "rtmp://127.0.0.1:1935/live", "stream": "livestream", "param": "?token=abc123&foo=bar",
		"duration": 2.02, "cwd": "/usr/local/srs", "file": "/data/hls/live/livestream-0.ts",
		"url": "live/livestream-0.ts", "m3u8": "/data/hls/live/livestream.m3u8",
		"m3u8_url": "live/livestream.m3u8", "seq_no": 0, "stream_url": "/live/livestream",
		"stream_id": "vid-0ore7v9",
	}
}

// publishBody is a real SRS 6.0.183 on_publish body as a map.
func publishBody() map[string]any {
	return map[string]any{
		"server_id": "vid-e38ice4", "service_id": "47pa406v", "action": "on_publish",
		"client_id": "35290174", "ip": "127.0.0.1", "vhost": "__defaultVhost__", "app": "live",
		"tcUrl": "rtmp://127.0.0.1:1935/live", "stream": "livestream", "param": "?token=abc123&foo=bar",
		"stream_url": "/live/livestream", "stream_id": "vid-0ore7v9",
	}
}

// with returns m marshalled after setting (or, for a nil value, deleting) keys.
func with(m map[string]any, kv ...any) []byte {
	for i := 0; i+1 < len(kv); i += 2 {
		k := kv[i].(string)
		if kv[i+1] == nil {
			delete(m, k)
			continue
		}
		m[k] = kv[i+1]
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return b
}

func serve(router http.Handler, req *http.Request) reply {
	rec := httptest.NewRecorder()
	router.ServeHTTP(rec, req)
	return reply{rec.Code, rec.Body.String(), rec.Header().Get("Allow"), rec.Header().Get("Content-Type")}
}
