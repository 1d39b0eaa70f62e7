package streamtoken

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseAndAllows(t *testing.T) {
	secret := []byte("k1")
	now := time.Unix(1_800_000_000, 0)
	good := New(secret, "sw", now.Add(time.Minute))
	cases := []struct {
		name string
		tok  string
		err  error
	}{
		{"good", good, nil},
		{"expired", New(secret, "sw", now), ErrExpired},
		{"empty", "", ErrInvalid},
		{"no dot", "123", ErrInvalid},
		{"letters in expiry", "12a." + strings.Repeat("A", 43), ErrInvalid},
		{"short mac", "1900000000.AAAA", ErrInvalid},
		{"bad base64", "1900000000." + strings.Repeat("!", 43), ErrInvalid},
		{"too long", strings.Repeat("1", MaxLen+1), ErrInvalid},
		{"expiry overflows", "99999999999999999999." + strings.Repeat("A", 43), ErrInvalid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := Parse(tc.tok, now)
			if !errors.Is(err, tc.err) {
				t.Fatalf("Parse(%q) err = %v, want %v", tc.tok, err, tc.err)
			}
			if err != nil {
				return
			}
			if !tok.Allows(secret, "sw") {
				t.Fatal("token refused for its own stream")
			}
			if tok.Allows(secret, "other") || tok.Allows([]byte("k2"), "sw") {
				t.Fatal("token allowed for another stream or secret")
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	now := time.Unix(1_800_000_000, 0)
	f.Add(New([]byte("k"), "sw", now.Add(time.Hour)))
	f.Add("1.x")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := Parse(s, now)
		if err != nil {
			return
		}
		if len(s) > MaxLen {
			t.Fatalf("accepted a token of %d bytes", len(s))
		}
		_ = tok.Allows([]byte("k"), "sw")
	})
}
