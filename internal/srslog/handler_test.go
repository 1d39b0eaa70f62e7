package srslog

import (
	"bytes"
	"context"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestLineFormat(t *testing.T) {
	var buf bytes.Buffer
	h := NewHandler(&buf, slog.LevelDebug)
	h.pid = "4242"
	log := slog.New(h).With("svc", "hooks")
	ctx := WithCID(context.Background(), "k2m5g8z1")
	r := slog.NewRecord(time.Date(2026, 11, 24, 12, 27, 24, 929e6, time.Local), slog.LevelInfo, "on_publish live/livestream", 0)
	r.AddAttrs(slog.String("epoch", "vid-0ore7v9"), slog.String("param", "?a=b c"), slog.Int("n", 3))
	if err := log.Handler().Handle(ctx, r); err != nil {
		t.Fatal(err)
	}
	want := `[2026-11-24 12:27:24.929][INFO][4242][k2m5g8z1] on_publish live/livestream svc=hooks epoch=vid-0ore7v9 param="?a=b c" n=3` + "\n"
	if got := buf.String(); got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

func TestLevelsAndNoCID(t *testing.T) {
	var buf bytes.Buffer
	log := New(&buf, slog.LevelWarn)
	log.Info("hidden")
	log.Warn("shown")
	log.Error("bad", "err", "x")
	out := buf.String()
	if strings.Contains(out, "hidden") {
		t.Fatalf("info line written at warn level: %q", out)
	}
	re := regexp.MustCompile(`^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\]\[WARN\]\[\d+\]\[-\] shown\n\[.*\]\[ERROR\]\[\d+\]\[-\] bad err=x\n$`)
	if !re.MatchString(out) {
		t.Fatalf("unexpected output %q", out)
	}
}

func TestMessageCannotForgeLines(t *testing.T) {
	var buf bytes.Buffer
	log := New(&buf, slog.LevelInfo)
	log.Info("stream a\n[2026-01-01 00:00:00.000][ERROR][1][x] forged", "k", "v\nw")
	if n := strings.Count(buf.String(), "\n"); n != 1 {
		t.Fatalf("want one line, got %d: %q", n, buf.String())
	}
}

func TestGroups(t *testing.T) {
	var buf bytes.Buffer
	log := New(&buf, slog.LevelInfo).WithGroup("hls")
	log.Info("m", slog.Group("cache", "hits", 2))
	if !strings.Contains(buf.String(), " hls.cache.hits=2") {
		t.Fatalf("got %q", buf.String())
	}
}

func TestNewCID(t *testing.T) {
	re := regexp.MustCompile(`^[0-9a-z]{8}$`)
	seen := map[string]bool{}
	for range 100 {
		c := NewCID()
		if !re.MatchString(c) {
			t.Fatalf("bad cid %q", c)
		}
		seen[c] = true
	}
	if len(seen) < 99 {
		t.Fatalf("cids repeat: %d distinct of 100", len(seen))
	}
	if CID(NewContext(context.Background())) == "" {
		t.Fatal("NewContext carries no cid")
	}
}
