package integration

import (
	"bufio"
	"crypto/sha1"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// nginxEdge is nginx running the shipped conf/nginx-cdn.conf on loopback.
type nginxEdge struct {
	base string // http://127.0.0.1:PORT
	addr string
	logs *syncBuffer
}

// edgeUpstreams are the loopback stand-ins for the compose services.
type edgeUpstreams struct {
	srs, sidecar, tracker string // host:port
}

// renderEdgeConf rewrites the shipped file for loopback: only the service
// addresses, the listen port, the cache path and nginx's temp dirs change,
// each replacement must match exactly once, so the test runs the real file.
func renderEdgeConf(t *testing.T, dir, listen string, up edgeUpstreams) string {
	t.Helper()
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join(root, "conf", "nginx-cdn.conf"))
	if err != nil {
		t.Fatal(err)
	}
	conf := string(src)
	temps := ""
	for _, k := range []string{"client_body", "proxy", "fastcgi", "uwsgi", "scgi"} {
		temps += "\n    " + k + "_temp_path " + filepath.Join(dir, k) + ";"
	}
	for _, r := range []struct{ old, new string }{
		{"upstream srs {\n        server srs:8080;", "upstream srs {\n        server " + up.srs + ";"},
		{"upstream srs_p2p {\n        server srs-p2p:8085;", "upstream srs_p2p {\n        server " + up.sidecar + ";"},
		{"upstream srs_p2p_tracker {\n        server srs-p2p:8085;", "upstream srs_p2p_tracker {\n        server " + up.tracker + ";"},
		{"listen 8080;", "listen " + listen + ";"},
		{"/var/cache/nginx/srs-p2p", filepath.Join(dir, "cache")},
		{"access_log /dev/stdout cdn;", "access_log /dev/stderr cdn;" + temps},
	} {
		if n := strings.Count(conf, r.old); n != 1 {
			t.Fatalf("conf/nginx-cdn.conf: %q occurs %d times, want once (update renderEdgeConf)", r.old, n)
		}
		conf = strings.Replace(conf, r.old, r.new, 1)
	}
	path := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// startEdge runs nginx in the foreground on a free loopback port. It fails,
// never skips, when nginx is missing.
func startEdge(t *testing.T, up edgeUpstreams) *nginxEdge {
	t.Helper()
	bin, err := exec.LookPath("nginx")
	if err != nil {
		if _, statErr := os.Stat("/usr/sbin/nginx"); statErr != nil {
			t.Fatalf("nginx not found: run make deps (scripts/deps.sh installs Debian's nginx)")
		}
		bin = "/usr/sbin/nginx"
	}
	dir := t.TempDir()
	addr := freeLoopbackAddr(t)
	conf := renderEdgeConf(t, dir, addr, up)
	global := "daemon off; master_process on; pid " + filepath.Join(dir, "nginx.pid") + ";"
	if os.Geteuid() == 0 {
		global += " user root;" // workers must reach the 0700 temp dirs
	}
	e := &nginxEdge{base: "http://" + addr, addr: addr, logs: &syncBuffer{}}
	cmd := exec.Command(bin, "-p", dir, "-e", "stderr", "-c", conf, "-g", global)
	cmd.Stdout, cmd.Stderr = e.logs, e.logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("start nginx: %v", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("nginx log:\n%s", tail(e.logs.String(), 80))
		}
	})
	eventually(t, 10*time.Second, "nginx listening on "+addr, func() (bool, string) {
		select {
		case <-done:
			t.Fatalf("nginx exited:\n%s", e.logs.String())
		default:
		}
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			return false, err.Error()
		}
		c.Close()
		return true, ""
	})
	return e
}

// freeLoopbackAddr picks a port by binding and releasing it; nginx binds it
// right after (it cannot be handed a listener).
func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

const wsGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

func wsAccept(key string) string {
	sum := sha1.Sum([]byte(key + wsGUID))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// wsUpstream stands in for the future tracker: it completes the RFC 6455
// handshake on /p2p/v1/tracker and sends one text frame "tracker-ok".
func wsUpstream(t *testing.T) (addr string, seen chan http.Header) {
	t.Helper()
	seen = make(chan http.Header, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /p2p/v1/tracker", func(w http.ResponseWriter, r *http.Request) {
		if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			http.Error(w, "not a websocket upgrade", http.StatusBadRequest)
			return
		}
		select {
		case seen <- r.Header.Clone():
		default:
		}
		conn, rw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		_, _ = rw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
			"Sec-WebSocket-Accept: " + wsAccept(r.Header.Get("Sec-WebSocket-Key")) + "\r\n\r\n")
		_, _ = rw.Write(append([]byte{0x81, byte(len("tracker-ok"))}, "tracker-ok"...))
		_ = rw.Flush()
		_, _ = rw.ReadByte() // hold the connection until the client closes it
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return l.Addr().String(), seen
}

// wsHandshake opens a WebSocket to path at addr and returns the status line,
// the accept header and the first frame's payload.
func wsHandshake(t *testing.T, addr, path string) (status, accept, payload string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	key := base64.StdEncoding.EncodeToString([]byte("srs-p2p-itest-key"))
	req := "GET " + path + " HTTP/1.1\r\nHost: " + addr + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n"
	if _, err := conn.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("read handshake response: %v", err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		return resp.Status, "", ""
	}
	if wsAccept(key) != resp.Header.Get("Sec-WebSocket-Accept") {
		t.Errorf("Sec-WebSocket-Accept %q, want %q", resp.Header.Get("Sec-WebSocket-Accept"), wsAccept(key))
	}
	head := make([]byte, 2)
	if _, err := io.ReadFull(br, head); err != nil {
		t.Fatalf("read frame header: %v", err)
	}
	body := make([]byte, head[1]&0x7f)
	if _, err := io.ReadFull(br, body); err != nil {
		t.Fatalf("read frame payload: %v", err)
	}
	return resp.Status, resp.Header.Get("Sec-WebSocket-Accept"), string(body)
}
