package srslog

import "testing"

func TestQuote(t *testing.T) {
	for _, c := range []struct {
		in   string
		max  int
		want string
	}{
		{"abc", 5, `"abc"`},
		{"abcdef", 3, `"abc"...`},
		{"a\nb", 5, `"a\nb"`},
		{"aé", 2, `"a"...`}, // never cuts inside a rune
	} {
		if got := Quote(c.in, c.max); got != c.want {
			t.Errorf("Quote(%q, %d) = %s, want %s", c.in, c.max, got, c.want)
		}
	}
}
