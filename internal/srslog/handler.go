// Package srslog formats log/slog records the way SRS writes its log, so an
// operator greps srs-p2p's log with the habits they have for SRS's:
//
//	[2026-11-24 12:27:24.929][INFO][4242][k2m5g8z1] hooks: on_publish live/livestream epoch=vid-0ore7v9
//
// The fourth field is the context id (cid) of the request or task that wrote
// the line, taken from the context passed to the slog *Context methods.
package srslog

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Handler is a slog.Handler writing SRS-format lines. It is safe for
// concurrent use; each record is written with one Write call.
type Handler struct {
	mu     *sync.Mutex
	w      io.Writer
	level  slog.Leveler
	pid    string
	prefix string // pre-formatted attrs from WithAttrs
	group  string // dotted group prefix from WithGroup
	now    func() time.Time
}

var _ slog.Handler = (*Handler)(nil)

// NewHandler returns a handler writing to w at the given minimum level.
func NewHandler(w io.Writer, level slog.Leveler) *Handler {
	if level == nil {
		level = slog.LevelInfo
	}
	return &Handler{mu: &sync.Mutex{}, w: w, level: level, pid: strconv.Itoa(os.Getpid()), now: time.Now}
}

// New returns a logger writing SRS-format lines to w.
func New(w io.Writer, level slog.Leveler) *slog.Logger {
	return slog.New(NewHandler(w, level))
}

// Discard is a logger for tests and library defaults that drops every line.
func Discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// Enabled reports whether records at level are written.
func (h *Handler) Enabled(_ context.Context, level slog.Level) bool {
	return level >= h.level.Level()
}

// Handle writes one line.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	buf := make([]byte, 0, 256)
	t := r.Time
	if t.IsZero() {
		t = h.now()
	}
	buf = append(buf, '[')
	buf = t.AppendFormat(buf, "2006-01-02 15:04:05.000")
	buf = append(buf, "]["...)
	buf = append(buf, levelName(r.Level)...)
	buf = append(buf, "]["...)
	buf = append(buf, h.pid...)
	buf = append(buf, "]["...)
	cid := CID(ctx)
	if cid == "" {
		cid = "-"
	}
	buf = append(buf, cid...)
	buf = append(buf, "] "...)
	buf = appendSafe(buf, r.Message)
	buf = append(buf, h.prefix...)
	r.Attrs(func(a slog.Attr) bool {
		buf = appendAttr(buf, h.group, a)
		return true
	})
	buf = append(buf, '\n')
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := h.w.Write(buf)
	return err
}

// WithAttrs returns a handler that adds attrs to every line.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	h2 := *h
	b := []byte(h.prefix)
	for _, a := range attrs {
		b = appendAttr(b, h.group, a)
	}
	h2.prefix = string(b)
	return &h2
}

// WithGroup returns a handler that prefixes later attribute keys with name.
func (h *Handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	h2 := *h
	h2.group = h.group + name + "."
	return &h2
}

func levelName(l slog.Level) string {
	switch {
	case l >= slog.LevelError:
		return "ERROR"
	case l >= slog.LevelWarn:
		return "WARN"
	case l >= slog.LevelInfo:
		return "INFO"
	default:
		return "DEBUG"
	}
}

func appendAttr(buf []byte, group string, a slog.Attr) []byte {
	a.Value = a.Value.Resolve()
	if a.Equal(slog.Attr{}) {
		return buf
	}
	if a.Value.Kind() == slog.KindGroup {
		g := group
		if a.Key != "" {
			g = group + a.Key + "."
		}
		for _, ga := range a.Value.Group() {
			buf = appendAttr(buf, g, ga)
		}
		return buf
	}
	buf = append(buf, ' ')
	buf = append(buf, group...)
	buf = append(buf, a.Key...)
	buf = append(buf, '=')
	var s string
	switch a.Value.Kind() {
	case slog.KindTime:
		s = a.Value.Time().Format(time.RFC3339Nano)
	case slog.KindDuration:
		s = a.Value.Duration().String()
	default:
		s = a.Value.String()
	}
	if needsQuote(s) {
		return strconv.AppendQuote(buf, s)
	}
	return append(buf, s...)
}

func needsQuote(s string) bool {
	if s == "" {
		return true
	}
	for _, r := range s {
		if r <= ' ' || r == '"' || r == '=' || r == 0x7f || r == utf8.RuneError || r > 0x7e {
			return true
		}
	}
	return false
}

// appendSafe appends a message, escaping control characters so that outside
// input quoted in a message can never forge a second log line.
func appendSafe(buf []byte, s string) []byte {
	if !strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return append(buf, s...)
	}
	q := strconv.Quote(s)
	return append(buf, q[1:len(q)-1]...)
}
