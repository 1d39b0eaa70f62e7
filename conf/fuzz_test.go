package conf

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
)

// FuzzLoad feeds arbitrary bytes as the config file: no input may panic,
// an accepted file must validate, and the loader must accept its own
// output (a Config marshalled back to JSON loads to the same Config).
func FuzzLoad(f *testing.F) {
	sample, err := os.ReadFile(samplePath)
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		string(sample),
		"{}",
		`{"hls": {"retain": 3, "reconcile_interval": "1m"}, "p2p": {"stun": ["stun:[::1]:3478"]}}`,
		"/* c */ {\"listen\": \":0\" // x\n}",
		`{"hooks": {"alow": []}}`,
		`{"hls": {"retain": "16"}}`,
		`{"a": {"b": [1, {"c": null}]}} trailing`,
		`{"listen": "\" // not a comment"}`,
		`{"hls": {"dir": "a\u0022b"}, "p2p": {"pingback": "http://h/\\"}}`,
		"\xEF\xBB\xBF{}",
		`'`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkLexMatchesStripper(t, data)
		c, err := load("fuzz.conf", data, nil)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.conf: ") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("loaded config does not validate: %v", err)
		}
		_ = c.Summary()
		out, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		if escapedQuoteLine(out) > 0 {
			return // json.Marshal writes a quote as \", which the file format refuses (see stripComments)
		}
		again, err := load("again.conf", out, nil)
		if err != nil {
			t.Fatalf("reloading %s: %v", out, err)
		}
		if !reflect.DeepEqual(c, again) {
			t.Fatalf("round trip changed the config:\n %s\n %s", c.Summary(), again.Summary())
		}
	})
}

// checkLexMatchesStripper checks that lex, which maps error offsets back to
// file lines, cuts comments exactly where go-oryx-lib's stripper does. The
// stripper also takes '...' as a string, which JSON has not, so inputs with
// a single quote are skipped.
func checkLexMatchesStripper(t *testing.T, data []byte) {
	if bytes.IndexByte(data, '\'') >= 0 {
		return
	}
	stripped, err := stripComments(data)
	if err != nil {
		return
	}
	var ours []byte
	lex(data, func(kind segKind, start, end int) bool {
		if kind != segComment {
			ours = append(ours, data[start:end]...)
		}
		return true
	})
	if !bytes.Equal(ours, stripped) {
		t.Fatalf("lex keeps %q, go-oryx-lib keeps %q", ours, stripped)
	}
}

// FuzzEnv feeds one arbitrary SRS_P2P_ variable: no panic, and an accepted
// environment yields a valid config.
func FuzzEnv(f *testing.F) {
	for _, seed := range [][2]string{
		{"HLS_RETAIN", "5"},
		{"HLS_RETAIN", "-1"},
		{"HLS_WATCH", "off"},
		{"HLS_RECONCILE_INTERVAL", "1m30s"},
		{"HLS_MAX_SEGMENT_BYTES", "9223372036854775807"},
		{"HOOKS_ALLOW", "10.0.0.0/8, ::1"},
		{"HOOKS_SECRET", "s3cr3t"},
		{"P2P_TRACKERS", "wss://a.example/t,ws://[::1]:80"},
		{"P2P_STUN", "stun:a.example:3478,stun:[::1]"},
		{"P2P_PINGBACK", "https://a.example/p"},
		{"STUN_ALT_LISTEN", ":3478"},
		{"NOPE", "1"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, name, value string) {
		c, err := LoadEnv("", []string{envPrefix + name + "=" + value})
		if err != nil {
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("config from the environment does not validate: %v", err)
		}
		if strings.Contains(c.Summary(), "\n") {
			t.Fatalf("Summary() spans lines: %q", c.Summary())
		}
	})
}
