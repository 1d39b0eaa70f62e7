package hooks

import (
	"bytes"
	"errors"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"testing"
)

func TestConfigValidation(t *testing.T) {
	p := netip.MustParsePrefix
	tests := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"loopback", Config{Allow: loopback}, true},
		{"everyone", Config{Allow: []netip.Prefix{p("0.0.0.0/0"), p("::/0")}}, true},
		{"unmasked prefix is masked", Config{Allow: []netip.Prefix{p("10.1.2.3/8")}}, true},
		{"limits", Config{Allow: loopback, MaxBodyBytes: MinMaxBodyBytes}, true},
		{"limits max", Config{Allow: loopback, MaxBodyBytes: MaxMaxBodyBytes}, true},
		{"no allow", Config{}, false},
		{"zero prefix", Config{Allow: []netip.Prefix{{}}}, false},
		{"mapped prefix", Config{Allow: []netip.Prefix{p("::ffff:10.0.0.0/104")}}, false},
		{"negative body", Config{Allow: loopback, MaxBodyBytes: -1}, false},
		{"tiny body", Config{Allow: loopback, MaxBodyBytes: MinMaxBodyBytes - 1}, false},
		{"huge body", Config{Allow: loopback, MaxBodyBytes: MaxMaxBodyBytes + 1}, false},
		{"secret with space", Config{Allow: loopback, Secret: "a b"}, false},
		{"publish secret with newline", Config{Allow: loopback, PublishSecret: "a\nb"}, false},
		{"secret too long", Config{Allow: loopback, Secret: strings.Repeat("s", maxSecretLen+1)}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, err := New(tc.cfg, &recordingSink{}, nil)
			if tc.ok != (err == nil) || (err != nil && !errors.Is(err, ErrConfig)) {
				t.Fatalf("New = %v, want ok=%v", err, tc.ok)
			}
			if err != nil {
				return
			}
			st := h.state.Load()
			if tc.cfg.MaxBodyBytes == 0 && st.cfg.MaxBodyBytes != DefaultMaxBodyBytes {
				t.Errorf("MaxBodyBytes %d, want default", st.cfg.MaxBodyBytes)
			}
			for i, pre := range st.cfg.Allow {
				if pre != pre.Masked() || pre.Bits() != tc.cfg.Allow[i].Bits() {
					t.Errorf("Allow[%d] = %v", i, pre)
				}
			}
		})
	}
	if _, err := New(Config{Allow: loopback}, nil, nil); !errors.Is(err, ErrConfig) {
		t.Errorf("nil Sink: %v", err)
	}
}

func TestCallerIP(t *testing.T) {
	_, _, router := testRouter(t, Config{Allow: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fe80::/10")}}, nil)
	tests := []struct {
		remote string
		status int
	}{
		{"10.1.2.3:5000", 200},
		{"[::ffff:10.1.2.3]:5000", 200}, // IPv4-mapped is unmapped
		{"[fe80::1%eth0]:5000", 200},    // zone dropped
		{"11.0.0.1:5000", 403},
		{"10.1.2.3", 403}, // no port: not a TCP peer
		{"", 403},
	}
	for _, tc := range tests {
		r := do(router, http.MethodPost, "/api/v1/hooks/on_hls", jsonType, tc.remote, with(hlsBody()))
		if r.status != tc.status {
			t.Errorf("%q: %d %s, want %d", tc.remote, r.status, r.body, tc.status)
		}
	}
}

// TestPublishSecret: the right secret lets the publisher in, and the Sink
// and the log see the param with the secret redacted.
func TestPublishSecret(t *testing.T) {
	tests := []struct{ param, want string }{
		{"?secret=pub-s3cret", "?secret=REDACTED"},
		{"secret=pub-s3cret&token=1", "secret=REDACTED&token=1"},
		{"?token=abc&secret=pub-s3cret", "?token=abc&secret=REDACTED"},
		{"?s%65cret=pub-s3cret", "?s%65cret=REDACTED"},
		{"?secret=pub%2Ds3cret", "?secret=REDACTED"},
	}
	for _, tc := range tests {
		var log strings.Builder
		_, sink, router := testRouter(t, hostileConfig(), &log)
		r := do(router, http.MethodPost, pubTarget, jsonType, local, with(publishBody(), "param", tc.param))
		if r.status != 200 || r.body != `{"code":0}` {
			t.Fatalf("%q: %d %s", tc.param, r.status, r.body)
		}
		got := sink.got()
		if len(got) != 1 || got[0].Kind != "publish" || got[0].Publish.Param != tc.want {
			t.Fatalf("%q: Sink got %+v, want param %q", tc.param, got, tc.want)
		}
		if strings.Contains(log.String(), "s3cret") || !strings.Contains(log.String(), "hooks: on_publish") {
			t.Errorf("%q: log %q", tc.param, log.String())
		}
	}
}

// TestUnpublishNotAuthenticated: on_unpublish and on_hls carry the same
// param but are never refused for it (the publisher is already in).
func TestUnpublishNotAuthenticated(t *testing.T) {
	_, sink, router := testRouter(t, hostileConfig(), nil)
	for _, b := range [][]byte{with(publishBody(), "action", "on_unpublish"), with(hlsBody())} {
		r := do(router, http.MethodPost, dispatchTarget, jsonType, local, b)
		if r.status != 200 {
			t.Fatalf("%d %s", r.status, r.body)
		}
	}
	if n := len(sink.got()); n != 2 {
		t.Fatalf("Sink got %d events, want 2", n)
	}
}

func TestRedactParam(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"?token=abc123&foo=bar", "?token=abc123&foo=bar"},
		{"?secret=x", "?secret=REDACTED"},
		{"?Secret=x&SECRET=y", "?Secret=REDACTED&SECRET=REDACTED"},
		{"?a=1;secret=x", "?a=1;secret=REDACTED"},
		{"?a=1?secret=x", "?a=1?secret=REDACTED"},
		{"?s%65cret=x&b=%zz", "?s%65cret=REDACTED&b=%zz"},
		{"?secret=&b=1", "?secret=REDACTED&b=1"},
		{"?secret", "?secret"},
		{"?mysecret=x&secretive=y", "?mysecret=x&secretive=y"},
		{"?a=secret", "?a=secret"},
		{"secret=a=b", "secret=REDACTED"},
		{"?%zz=x&secret=y", "?%zz=x&secret=REDACTED"},
	}
	for _, tc := range tests {
		if got := redactParam(tc.in); got != tc.want {
			t.Errorf("redactParam(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestUpdate: a reload changes the checks of the next requests; an invalid
// one is refused and the old configuration keeps running.
func TestUpdate(t *testing.T) {
	h, _, router := testRouter(t, Config{Allow: loopback}, nil)
	send := func(target string) int {
		return do(router, http.MethodPost, target, jsonType, "10.0.0.1:1", with(hlsBody())).status
	}
	steps := []struct {
		cfg    Config
		target string
		status int
	}{
		{Config{Allow: loopback}, "/api/v1/hooks", 403},
		{Config{Allow: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}, "/api/v1/hooks", 200},
		{Config{Allow: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, Secret: "k"}, "/api/v1/hooks", 403},
		{Config{Allow: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, Secret: "k"}, "/api/v1/hooks?secret=k", 200},
		{Config{Allow: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, MaxBodyBytes: 1024}, "/api/v1/hooks", 200},
	}
	for i, s := range steps {
		if err := h.Update(s.cfg); err != nil {
			t.Fatal(err)
		}
		if got := send(s.target); got != s.status {
			t.Fatalf("step %d: %d, want %d", i, got, s.status)
		}
	}
	if err := h.Update(Config{}); !errors.Is(err, ErrConfig) {
		t.Fatalf("Update(empty) = %v", err)
	}
	if got := send("/api/v1/hooks"); got != 200 {
		t.Fatalf("after a refused Update: %d, want the old config's 200", got)
	}
}

// TestUpdateRace reloads while requests run (meaningful under -race): each
// reply is one configuration's answer, never a mix or a crash.
func TestUpdateRace(t *testing.T) {
	// The log is written by Update and by refused requests at once; the
	// srslog handler serializes its writes.
	var log bytes.Buffer
	h, _, router := testRouter(t, Config{Allow: loopback}, &log)
	allowed := Config{Allow: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, MaxBodyBytes: 4096}
	denied := Config{Allow: loopback, Secret: "k", PublishSecret: "p"}
	body := with(hlsBody())
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Go(func() {
		defer close(stop)
		for i := range 300 {
			cfg := allowed
			if i%2 == 1 {
				cfg = denied
			}
			if err := h.Update(cfg); err != nil {
				t.Error(err)
				return
			}
		}
	})
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				r := do(router, http.MethodPost, "/api/v1/hooks/on_hls", jsonType, "10.0.0.1:1", body)
				ok := r.status == 200 && r.body == `{"code":0}`
				refused := r.status == 403 && r.body == `{"code":4011,"data":"hooks: caller not allowed: 10.0.0.1"}`
				if !ok && !refused {
					t.Errorf("reply %d %s", r.status, r.body)
					return
				}
			}
		})
	}
	wg.Wait()
	if r := do(router, http.MethodPost, "/api/v1/hooks/on_hls", jsonType, "10.0.0.1:1", body); r.status != 403 {
		t.Fatalf("last Update (denied) not in effect: %d", r.status)
	}
	if n := strings.Count(log.String(), "hooks: config updated"); n != 300 {
		t.Fatalf("logged %d updates, want 300", n)
	}
}
