package tracker

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

func TestMaxSwarmsPerConn(t *testing.T) {
	e := newEnv(t, Config{MaxSwarmsPerConn: 1, AllowUnknownSwarms: true})
	c := e.dial("")
	c.send(announceMsg(e.ih, asciiID("A"), "started"))
	c.recv()
	other := id20(9)
	c.send(announceMsg(other, asciiID("A"), "started"))
	c.recvFailure("too many swarms on this connection", other)
	if got := e.s.m.failures[reasonTooManySwarms].Get(); got != 1 {
		t.Fatalf("failure metric = %d", got)
	}
}

func TestMaxPeersPerSwarmEvictsOldestIdle(t *testing.T) {
	e := newEnv(t, Config{MaxPeersPerSwarm: 2})
	cls := []*client{e.dial(""), e.dial(""), e.dial("")}
	for i, c := range cls {
		c.send(announceMsg(e.ih, asciiID(string(rune('A'+i))), "started"))
		c.recv()
		e.clock.Add(time.Second)
	}
	e.s.mu.Lock()
	sw := e.s.swarms[e.ih]
	_, hasA := sw.peers[asciiID("A")]
	n := len(sw.peers)
	e.s.mu.Unlock()
	if n != 2 || hasA {
		t.Fatalf("peers = %d, oldest still there = %v", n, hasA)
	}
	if e.s.m.evicted.Get() != 1 {
		t.Fatal("eviction not counted")
	}
}

func TestRateLimit(t *testing.T) {
	e := newEnv(t, Config{MessagesPerSecond: 1}) // burst 2; the fake clock stands still
	c := e.dial("")
	for range 2 {
		c.send(map[string]any{"action": "scrape"})
		if r := c.recv(); r["files"] == nil {
			t.Fatalf("scrape = %v", r)
		}
	}
	c.send(map[string]any{"action": "scrape"})
	c.recvFailure("rate limit: too many messages", "")
	e.clock.Add(time.Second) // one token back
	c.send(map[string]any{"action": "scrape"})
	if r := c.recv(); r["files"] == nil {
		t.Fatalf("scrape after refill = %v", r)
	}
}

func TestFrameTooLargeClosesConnection(t *testing.T) {
	e := newEnv(t, Config{MaxFrameBytes: 1024})
	c := e.dial("")
	c.sendRaw(`{"action":"scrape","pad":"` + strings.Repeat("x", 2000) + `"}`)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, _, err := c.ws.Read(ctx)
	if websocket.CloseStatus(err) != websocket.StatusMessageTooBig {
		t.Fatalf("read err = %v, want close 1009", err)
	}
	waitFor(t, "metric", func() bool { return e.s.m.closed[closeFrameTooLarge].Get() == 1 })
}

func TestReadTimeoutClosesSilentConnection(t *testing.T) {
	e := newEnv(t, Config{ReadTimeout: 50 * time.Millisecond})
	c := e.dial("")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, _, err := c.ws.Read(ctx); err == nil || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("read err = %v, want the server to close", err)
	}
	waitFor(t, "metric", func() bool { return e.s.m.closed[closeTimeout].Get() == 1 })
}

func TestUpgradeRejections(t *testing.T) {
	secret := []byte("0123456789abcdef")
	e := newEnv(t, Config{MaxConns: 1, AllowedOrigins: []string{"https://player.example"}, TokenSecret: secret})
	good := "?token=" + NewToken(secret, testSwarmID, e.clock.Now().Add(time.Hour))
	expired := "?token=" + NewToken(secret, testSwarmID, e.clock.Now().Add(-time.Second))
	dial := func(query, origin string) (*websocket.Conn, int) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		h := http.Header{}
		if origin != "" {
			h.Set("Origin", origin)
		}
		ws, resp, err := websocket.Dial(ctx, e.url+query, &websocket.DialOptions{HTTPHeader: h})
		if err != nil {
			if resp == nil {
				t.Fatalf("dial: %v", err)
			}
			return nil, resp.StatusCode
		}
		t.Cleanup(func() { ws.CloseNow() })
		return ws, http.StatusSwitchingProtocols
	}
	cases := []struct {
		name, query, origin string
		want                int
	}{
		{"foreign origin", good, "https://evil.example", http.StatusForbidden},
		{"no token", "", "https://player.example", http.StatusUnauthorized},
		{"garbage token", "?token=abc.def", "https://player.example", http.StatusUnauthorized},
		{"expired token", expired, "https://player.example", http.StatusUnauthorized},
		{"accepted", good, "https://player.example", http.StatusSwitchingProtocols},
		{"over max conns", good, "https://player.example", http.StatusServiceUnavailable},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, got := dial(tc.query, tc.origin); got != tc.want {
				t.Fatalf("status = %d, want %d", got, tc.want)
			}
		})
	}
	for reason, want := range map[string]uint64{rejectOrigin: 1, rejectToken: 3, rejectMaxConns: 1} {
		if got := e.s.m.rejected[reason].Get(); got != want {
			t.Errorf("rejected{%s} = %d, want %d", reason, got, want)
		}
	}
}

func TestTokenBindsStream(t *testing.T) {
	secret := []byte("0123456789abcdef")
	e := newEnv(t, Config{TokenSecret: secret})
	other := "srs-p2p:test/__defaultVhost__/live/other/vid-1"
	e.src.Set(liveStream(testSwarmID), liveStream(other))
	e.s.tick()
	c := e.dial("?token=" + NewToken(secret, testSwarmID, e.clock.Now().Add(time.Hour)))
	c.send(announceMsg(InfoHashFor(other), asciiID("A"), "started"))
	c.recvFailure("token is not valid for this stream", InfoHashFor(other))
	c.send(announceMsg(e.ih, asciiID("A"), "started"))
	if r := c.recv(); r["incomplete"] != float64(1) {
		t.Fatalf("reply = %v", r)
	}
}
