package benchutil

import (
	"bytes"
	"net"
	"strconv"
	"strings"
	"sync"
)

const (
	// readyMessage is what srs-p2p logs once every listener is bound and
	// the HLS watcher runs; its addr= attribute is the HTTP address.
	readyMessage = "http: listening"
	// maxLine bounds one buffered stderr line; the rest of a longer line
	// is dropped.
	maxLine = 8 << 10
	// keepLines is how many lines of each kind (problems, recent) are kept
	// to show in a report or an error.
	keepLines = 20
)

// ParseListenAddr returns the host:port of the addr= attribute of an
// srs-p2p log line ("... http: listening addr=127.0.0.1:43121 hooks=true").
// The port must be a number in 1..65535.
func ParseListenAddr(line string) (string, bool) {
	i := strings.Index(line, " addr=")
	if i < 0 {
		return "", false
	}
	v := line[i+len(" addr="):]
	if j := strings.IndexByte(v, ' '); j >= 0 {
		v = v[:j]
	}
	host, port, err := net.SplitHostPort(v)
	if err != nil || host == "" {
		return "", false
	}
	p, err := strconv.Atoi(port)
	if err != nil || p < 1 || p > 65535 || strconv.Itoa(p) != port {
		return "", false
	}
	if net.ParseIP(host) == nil {
		return "", false
	}
	return v, true
}

// isProblem reports whether an SRS-format log line is a warning or an
// error: "[2026-11-24 12:27:24.929][WARN][4242][k2m5g8z1] ...".
func isProblem(line string) bool {
	return strings.Contains(line, "][WARN][") || strings.Contains(line, "][ERROR][")
}

// stderrLog is the child's stderr: it splits lines, spots the ready line,
// and keeps the first warnings and the latest lines. exec's copy goroutine
// writes it while the benchmark reads it, hence the mutex.
type stderrLog struct {
	ready chan string // gets the listen address once

	mu       sync.Mutex
	partial  []byte
	sentAddr bool
	problems int
	first    []string // first keepLines warnings and errors
	recent   []string // last keepLines lines
}

func newStderrLog() *stderrLog {
	return &stderrLog{ready: make(chan string, 1)}
}

// Write never fails, so the child never blocks on a full pipe.
func (l *stderrLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			l.appendPartial(p)
			break
		}
		l.appendPartial(p[:i])
		l.line(string(l.partial))
		l.partial = l.partial[:0]
		p = p[i+1:]
	}
	return n, nil
}

func (l *stderrLog) appendPartial(p []byte) {
	if room := maxLine - len(l.partial); room > 0 {
		l.partial = append(l.partial, p[:min(len(p), room)]...)
	}
}

func (l *stderrLog) line(s string) {
	if len(l.recent) == keepLines {
		l.recent = append(l.recent[:0], l.recent[1:]...)
	}
	l.recent = append(l.recent, s)
	if isProblem(s) {
		l.problems++
		if len(l.first) < keepLines {
			l.first = append(l.first, s)
		}
	}
	if !l.sentAddr && strings.Contains(s, readyMessage) {
		if addr, ok := ParseListenAddr(s); ok {
			l.sentAddr = true
			l.ready <- addr // buffered, sent once
		}
	}
}

// Problems returns how many WARN or ERROR lines were logged and the first few.
func (l *stderrLog) Problems() (int, []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.problems, append([]string(nil), l.first...)
}

// Recent returns the last lines logged, for error messages.
func (l *stderrLog) Recent() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.recent, "\n")
}
