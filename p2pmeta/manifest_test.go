package p2pmeta

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestNameFor(t *testing.T) {
	cases := map[string]string{
		"live/livestream.m3u8":     "live/livestream.p2p.json",
		"livestream.m3u8":          "livestream.p2p.json",
		"a/b/c/s.m3u8":             "a/b/c/s.p2p.json",
		`live\livestream.m3u8`:     `live\livestream.p2p.json`,
		"live/livestream.M3U8":     "",
		"live/livestream.m3u":      "",
		"live/livestream.m3u8.tmp": "",
		"live/livestream-7.ts":     "",
		".m3u8":                    "",
		"live/.m3u8":               "",
		"":                         "",
	}
	for in, want := range cases {
		if got := NameFor(in); got != want {
			t.Errorf("NameFor(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSwarmID(t *testing.T) {
	got := SwarmID("origin-a", "__defaultVhost__", "live", "livestream", "vid-0ore7v9")
	if want := "srs-p2p:origin-a/__defaultVhost__/live/livestream/vid-0ore7v9"; got != want {
		t.Errorf("SwarmID = %q, want %q", got, want)
	}
}

func TestValidEpoch(t *testing.T) {
	cases := map[string]bool{
		"vid-0ore7v9":            true,
		"o236y78t":               true,
		"a.b_c:d-E9":             true,
		strings.Repeat("x", 128): true,
		strings.Repeat("x", 129): false,
		"":                       false,
		"vid 1":                  false,
		"vid/1":                  false,
		"vid%201":                false,
		"vidé":                   false,
	}
	for in, want := range cases {
		if got := ValidEpoch(in); got != want {
			t.Errorf("ValidEpoch(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestFormatTime(t *testing.T) {
	in := time.Date(2026, 11, 24, 13, 27, 47, 926_500_000, time.FixedZone("CET", 3600))
	if got, want := FormatTime(in), "2026-11-24T12:27:47.926Z"; got != want {
		t.Errorf("FormatTime = %q, want %q", got, want)
	}
	if got, want := FormatTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)), "2026-01-02T03:04:05.000Z"; got != want {
		t.Errorf("FormatTime = %q, want %q", got, want)
	}
}

func TestFieldErrorMatching(t *testing.T) {
	versionErr := &FieldError{Field: "version", Reason: "unsupported 2", version: true}
	if !errors.Is(versionErr, ErrVersion) || !errors.Is(versionErr, ErrInvalid) {
		t.Error("a version error must match ErrVersion and ErrInvalid")
	}
	other := &FieldError{Field: "epoch", Reason: "bad"}
	if errors.Is(other, ErrVersion) || !errors.Is(other, ErrInvalid) {
		t.Error("a field error must match ErrInvalid only")
	}
	if other.Error() != "epoch: bad" {
		t.Errorf("Error() = %q", other.Error())
	}
}
