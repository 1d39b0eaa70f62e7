package tracker

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/gobwas/ws"
)

func dialRawT(t *testing.T, addr string) *rawClient {
	t.Helper()
	c, err := dialRaw(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.close)
	_ = c.nc.SetDeadline(time.Now().Add(10 * time.Second))
	return c
}

func TestWebSocketControlFrames(t *testing.T) {
	s, _, _, addr := startTracker(t, Config{})
	ih := InfoHashFor(testSwarmID)

	t.Run("ping gets its pong", func(t *testing.T) {
		c := dialRawT(t, addr)
		if err := c.write(ws.OpPing, []byte("are you there")); err != nil {
			t.Fatal(err)
		}
		if op, p, err := c.read(); err != nil || op != ws.OpPong || string(p) != "are you there" {
			t.Fatalf("read = %v %q %v, want the pong", op, p, err)
		}
	})
	t.Run("fragmented binary announce", func(t *testing.T) {
		c := dialRawT(t, addr)
		msg := []byte(mustJSON(announceMsg(ih, asciiID("F"), "started")))
		var b []byte
		b = appendMaskedFrame(b, ws.OpBinary, false, msg[:10])
		b = appendMaskedFrame(b, ws.OpPing, true, nil)
		b = appendMaskedFrame(b, ws.OpContinuation, true, msg[10:])
		if _, err := c.nc.Write(b); err != nil {
			t.Fatal(err)
		}
		if _, err := c.readUntil(`"interval":60`); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("close is answered with the same code", func(t *testing.T) {
		c := dialRawT(t, addr)
		if err := c.write(ws.OpClose, ws.NewCloseFrameBody(ws.StatusGoingAway, "bye")); err != nil {
			t.Fatal(err)
		}
		op, p, err := c.read()
		if err != nil || op != ws.OpClose {
			t.Fatalf("read = %v %q %v, want a close frame", op, p, err)
		}
		if code, reason := ws.ParseCloseFrameData(p); code != ws.StatusGoingAway || reason != "bye" {
			t.Fatalf("close = %d %q", code, reason)
		}
		if _, _, err := c.read(); err != io.EOF {
			t.Fatalf("after the close: %v, want EOF", err)
		}
	})
	t.Run("unmasked frame is a protocol error", func(t *testing.T) {
		c := dialRawT(t, addr)
		if _, err := c.nc.Write([]byte("\x81\x02{}")); err != nil {
			t.Fatal(err)
		}
		op, p, err := c.read()
		if code, _ := ws.ParseCloseFrameData(p); err != nil || op != ws.OpClose || code != ws.StatusProtocolError {
			t.Fatalf("read = %v %q %v, want close 1002", op, p, err)
		}
	})
	waitFor(t, "connections closed", func() bool { return s.m.conns.Load() == 0 })
}

// TestFrameSentWithTheHandshake: a client may send its first frame right
// behind its upgrade request; the bytes the HTTP server read ahead are
// not lost.
func TestFrameSentWithTheHandshake(t *testing.T) {
	_, _, _, addr := startTracker(t, Config{})
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	_ = nc.SetDeadline(time.Now().Add(10 * time.Second))
	req := "GET /p2p/v1/tracker HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
	b := appendMaskedFrame([]byte(req), ws.OpText, true, []byte(mustJSON(announceMsg(InfoHashFor(testSwarmID), asciiID("H"), "started"))))
	if _, err := nc.Write(b); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(nc)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("handshake: %v %v", resp, err)
	}
	c := &rawClient{nc: nc, br: br}
	if _, err := c.readUntil(`"incomplete":1`); err != nil {
		t.Fatal(err)
	}
}

// TestHandshakeRejections: malformed upgrades get the statuses clients
// always got, and are counted.
func TestHandshakeRejections(t *testing.T) {
	s, _, _, addr := startTracker(t, Config{})
	good := func() http.Header {
		return http.Header{"Upgrade": {"websocket"}, "Connection": {"keep-alive, Upgrade"},
			"Sec-Websocket-Key": {"dGhlIHNhbXBsZSBub25jZQ=="}, "Sec-Websocket-Version": {"13"}}
	}
	cases := []struct {
		name   string
		edit   func(http.Header)
		status int
		header string // a header the reply must carry
	}{
		{"no upgrade header", func(h http.Header) { h.Del("Upgrade") }, http.StatusUpgradeRequired, "Upgrade"},
		{"no connection upgrade", func(h http.Header) { h.Set("Connection", "keep-alive") }, http.StatusUpgradeRequired, "Upgrade"},
		{"version 8", func(h http.Header) { h.Set("Sec-Websocket-Version", "8") }, http.StatusBadRequest, "Sec-Websocket-Version"},
		{"short key", func(h http.Header) { h.Set("Sec-Websocket-Key", "c2hvcnQ=") }, http.StatusBadRequest, ""},
		{"two keys", func(h http.Header) { h.Add("Sec-Websocket-Key", "dGhlIHNhbXBsZSBub25jZQ==") }, http.StatusBadRequest, ""},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/p2p/v1/tracker", nil)
			req.Header = good()
			tc.edit(req.Header)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.status || tc.header != "" && resp.Header.Get(tc.header) == "" {
				t.Fatalf("status %d header %v, want %d with %s", resp.StatusCode, resp.Header, tc.status, tc.header)
			}
			if got := s.m.rejected[rejectHandshake].Get(); got != uint64(i+1) {
				t.Fatalf("rejected{handshake} = %d, want %d", got, i+1)
			}
		})
	}
	if n := s.m.conns.Load(); n != 0 {
		t.Fatalf("connections gauge = %d after rejected upgrades", n)
	}
}
