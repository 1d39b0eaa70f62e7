package hooks

import (
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestReplies(t *testing.T) {
	rec := httptest.NewRecorder()
	writeOK(rec)
	if rec.Code != 200 || rec.Body.String() != `{"code":0}` || rec.Header().Get("Content-Length") != "10" ||
		rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("ok reply %d %q %v", rec.Code, rec.Body.String(), rec.Header())
	}
	rec = httptest.NewRecorder()
	_, f := failureOf(fmt.Errorf("%w: x", ErrPathOutside))
	writeFailure(rec, f, `a "quoted" <reason>`)
	if want := `{"code":4014,"data":"a \"quoted\" \u003creason\u003e"}`; rec.Code != 400 || rec.Body.String() != want {
		t.Fatalf("failure reply %d %s, want 400 %s", rec.Code, rec.Body.String(), want)
	}
}

// TestFailureTable: codes are unique, statuses are 4xx, every sentinel maps
// to its own row, and an unknown error falls back to 4001.
func TestFailureTable(t *testing.T) {
	codes := map[int]bool{}
	for i, f := range failures {
		if codes[f.code] || f.status < 400 || f.status > 499 || f.result == "" {
			t.Errorf("row %d: %+v", i, f)
		}
		codes[f.code] = true
		if j, g := failureOf(fmt.Errorf("ctx: %w", f.err)); j != i || g.code != f.code {
			t.Errorf("failureOf(%v) = row %d", f.err, j)
		}
	}
	if _, f := failureOf(errors.New("other")); f.code != CodeMalformed {
		t.Errorf("unknown error -> %d", f.code)
	}
}

func TestQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"live", `"live"`},
		{"a\x00b", `"a\x00b"`},
		{strings.Repeat("x", 64), `"` + strings.Repeat("x", 64) + `"`},
		{strings.Repeat("x", 65), `"` + strings.Repeat("x", 64) + `"...`},
		// A cut never splits a rune: 63 ASCII bytes then a 3-byte rune.
		{strings.Repeat("x", 63) + "流流", `"` + strings.Repeat("x", 63) + `"...`},
	}
	for _, tc := range tests {
		if got := quote(tc.in); got != tc.want {
			t.Errorf("quote(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}
