package conf

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// writeConf writes content to a fresh file and returns its path.
func writeConf(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "x.conf")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// wantErr checks err wraps sentinel and its text contains every part.
func wantErr(t *testing.T, err, sentinel error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one containing %q", parts)
	}
	if !errors.Is(err, sentinel) {
		t.Errorf("error %q does not wrap %v", err, sentinel)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not contain %q", err, p)
		}
	}
}

func TestLoadOverridesOnlyPresentKeys(t *testing.T) {
	path := writeConf(t, `{"hls": {"retain": 3, "reconcile_interval": "1m30s"}, "p2p": {"trackers": ["wss://t.example/x"]}}`)
	got, err := LoadEnv(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.HLS.Retain = 3
	want.HLS.ReconcileInterval = Duration(90 * time.Second)
	want.P2P.Trackers = []string{"wss://t.example/x"}
	if !reflect.DeepEqual(*got, want) {
		t.Fatalf("got  %s\nwant %s", got.Summary(), want.Summary())
	}
}

func TestLoadEmptyObjectAndNoFile(t *testing.T) {
	for _, path := range []string{writeConf(t, "{}"), writeConf(t, "// nothing set\n{ }\n"), ""} {
		got, err := LoadEnv(path, nil)
		if err != nil {
			t.Fatalf("LoadEnv(%q): %v", path, err)
		}
		if !reflect.DeepEqual(*got, Default()) {
			t.Fatalf("LoadEnv(%q) = %s, want defaults", path, got.Summary())
		}
	}
}

func TestLoadComments(t *testing.T) {
	tests := []struct {
		name, content string
		check         func(*Config) bool
	}{
		{"line comment", "{\n// \"listen\": \":1\",\n\"listen\": \":2\" // trailing\n}", func(c *Config) bool { return c.Listen == ":2" }},
		{"block comment", "{ /* \"listen\": \":1\", */ \"listen\": \":3\" }", func(c *Config) bool { return c.Listen == ":3" }},
		{"multi-line block", "/* header\n * \"x\": 1\n */\n{\"listen\": \":4\"}", func(c *Config) bool { return c.Listen == ":4" }},
		{"slashes inside a string kept", `{"p2p": {"trackers": ["wss://a.example//p2p"], "pingback": "https://b.example/x//y"}} // c`,
			func(c *Config) bool {
				return reflect.DeepEqual(c.P2P.Trackers, []string{"wss://a.example//p2p"}) && c.P2P.Pingback == "https://b.example/x//y"
			}},
		{"block opener inside a string kept", `{"hls": {"dir": "/a/*b"}}`, func(c *Config) bool { return c.HLS.Dir == "/a/*b" }},
		{"comment at end without newline", `{"listen": ":5"} // end`, func(c *Config) bool { return c.Listen == ":5" }},
		{"escaped backslash before closing quote", `{"hls": {"dir": "C:\\"}, "listen": ":7"} // c`,
			func(c *Config) bool { return c.HLS.Dir == `C:\` && c.Listen == ":7" }},
		{"quote written as \\u0022", `{"hls": {"dir": "a\u0022b//c"}} // c`, func(c *Config) bool { return c.HLS.Dir == `a"b//c` }},
		{"escaped quote inside a comment", "// say \\\"hi\\\"\n{\"listen\": \":8\"}", func(c *Config) bool { return c.Listen == ":8" }},
		{"utf-8 BOM", "\xEF\xBB\xBF{\"listen\": \":6\"}", func(c *Config) bool { return c.Listen == ":6" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := LoadEnv(writeConf(t, tt.content), nil)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(got) {
				t.Fatalf("unexpected result %s", got.Summary())
			}
		})
	}
}

func TestLoadUnknownKeys(t *testing.T) {
	tests := []struct{ content, key string }{
		{`{"lisen": ":1"}`, "'lisen'"},
		{`{"hooks": {"alow": []}}`, "'hooks.alow'"},
		{`{"hls": {"dir": "d", "max_stream": 5}}`, "'hls.max_stream'"},
		{`{"LISTEN": ":1"}`, "'LISTEN'"}, // encoding/json would match this case-insensitively
		{`{"stun": {"listen": ":1", "Listen": ":2"}}`, "'stun.Listen'"},
		{`{"nested": {"deep": 1}}`, "'nested'"},
		{`{"bad\nkey": 1}`, `'bad\nkey'`}, // escaped, never a raw newline in a log line
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			path := writeConf(t, tt.content)
			_, err := LoadEnv(path, nil)
			wantErr(t, err, ErrUnknownKey, path+": unknown key "+tt.key)
		})
	}
}

func TestLoadDuplicateKey(t *testing.T) {
	_, err := LoadEnv(writeConf(t, `{"hls": {"retain": 1, "retain": 2}}`), nil)
	wantErr(t, err, ErrUnknownKey, "duplicate key 'hls.retain'")
}

func TestLoadWrongTypes(t *testing.T) {
	tests := []struct{ content, msg string }{
		{`{"hls": {"retain": "16"}}`, "'hls.retain' must be a number"},
		{`{"hls": {"retain": 1.5}}`, "'hls.retain' must be a whole number"},
		{`{"hls": {"max_segment_bytes": 99999999999999999999}}`, "'hls.max_segment_bytes' is out of range"},
		{`{"hls": {"watch": "on"}}`, "'hls.watch' must be true or false"},
		{`{"listen": 8085}`, "'listen' must be a string"},
		{`{"listen": null}`, "'listen' must be a string"},
		{`{"hls": {"reconcile_interval": 10}}`, `'hls.reconcile_interval' must be a duration string like "10s"`},
		{`{"hls": {"reconcile_interval": "10 parsecs"}}`, `'hls.reconcile_interval' must be a duration like "10s"`},
		{`{"hooks": {"allow": "127.0.0.1"}}`, "'hooks.allow' must be a list of strings"},
		{`{"hooks": {"allow": ["127.0.0.1", 10]}}`, "'hooks.allow[1]' must be a string"},
		{`{"hooks": {"allow": null}}`, "'hooks.allow' must be a list of strings"},
		{`{"hls": 1}`, "'hls' must be an object"},
		{`{"hls": [1]}`, "'hls' must be an object"},
	}
	for _, tt := range tests {
		t.Run(tt.msg, func(t *testing.T) {
			path := writeConf(t, tt.content)
			_, err := LoadEnv(path, nil)
			wantErr(t, err, ErrWrongType, path+": "+tt.msg)
		})
	}
}

func TestLoadSyntaxErrors(t *testing.T) {
	tests := []struct{ name, content, msg string }{
		{"empty file", "", "the file is empty"},
		{"only comments", "// nothing\n/* at all */", "the file is empty"},
		{"not an object", `["listen"]`, "must hold one JSON object"},
		{"trailing object", `{} {}`, "unexpected data after the top-level object"},
		{"trailing garbage", `{"listen": ":1"} x`, "line 1: unexpected data after the top-level object"},
		{"trailing object on a later line", "// c\n{}\n\n  {}", "line 4: unexpected data after the top-level object"},
		{"truncated", `{"listen": ":1"`, "ends in the middle"},
		{"missing colon", `{"listen" ":1"}`, "line 1: invalid character"},
		{"line counts skip comments", "// header\n/* multi\n   line */\n{\n  \"listen\": \":1\", // c\n  \"hls\" {}\n}", "line 6: invalid character '{' after object key"},
		{"line of a comma error after a block comment", "{\n\"listen\": \":1\" /* x\n y */\n\"hls\": {}}", "line 4: invalid character '\"' after object key:value pair"},
		{"bad literal inside a value", "{\n\"hls\": {\"watch\": tru}}", "line 2: invalid character"},
		{"bad number at the end of a line", "{\"hls\": {\n\"retain\": 1x\n}}", "line 2: invalid character 'x'"},
		{"not an object, line 2", "// c\n[]", "line 2: the file must hold one JSON object"},
		{"unterminated block comment", `{} /* open`, "unterminated"},
		{"unterminated string", `{"listen": ":1}`, "unterminated"},
		{"escaped quote in a string", "{\n\"hls\": {\"dir\": \"a\\\"b\"}}", `line 2: a string holds \" which the comment stripper cannot read; write \u0022 instead`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConf(t, tt.content)
			_, err := LoadEnv(path, nil)
			wantErr(t, err, ErrSyntax, path+": ", tt.msg)
		})
	}
}

func TestLoadFileTooBig(t *testing.T) {
	// A valid document padded with whitespace past the limit: size alone is refused.
	path := writeConf(t, "{}"+strings.Repeat(" ", maxFileBytes))
	_, err := LoadEnv(path, nil)
	wantErr(t, err, ErrTooBig, path+": ", "1048576 bytes")

	// Exactly at the limit is still read (padded with short comment lines).
	pad := strings.Repeat("// 345678\n", (maxFileBytes-2)/10)
	path = writeConf(t, "{}"+pad+strings.Repeat(" ", maxFileBytes-2-len(pad)))
	if _, err := LoadEnv(path, nil); err != nil {
		t.Fatalf("file of exactly %d bytes: %v", maxFileBytes, err)
	}
}

// TestLoadLongCommentLimit pins the comment stripper's limit (go-oryx-lib
// scans with a 64 KiB token limit) so a change in it is noticed.
func TestLoadLongCommentLimit(t *testing.T) {
	path := writeConf(t, "/*"+strings.Repeat("x", 70<<10)+"*/{}")
	_, err := LoadEnv(path, nil)
	wantErr(t, err, ErrSyntax, path+": ", "longer than 64 KiB")
}

func TestLoadMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing.conf")
	_, err := LoadEnv(path, nil)
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), path) {
		t.Fatalf("err = %v, want not-exist naming the path", err)
	}
}

func TestLoadBlamesSourceOfInvalidValue(t *testing.T) {
	path := writeConf(t, `{"hls": {"retain": 2000}}`)
	_, err := LoadEnv(path, nil)
	wantErr(t, err, ErrInvalid, path+": 'hls.retain' must be between 0 and 1024 (got 2000)")

	_, err = LoadEnv(path, []string{"SRS_P2P_HLS_RETAIN=3000"})
	wantErr(t, err, ErrInvalid, "SRS_P2P_HLS_RETAIN: 'hls.retain' must be between 0 and 1024 (got 3000)")

	_, err = LoadEnv("", []string{"SRS_P2P_LOG_LEVEL=loud"})
	wantErr(t, err, ErrInvalid, "SRS_P2P_LOG_LEVEL: 'log.level' must be one of")
}

func TestLoadUsesProcessEnvironment(t *testing.T) {
	t.Setenv("SRS_P2P_HLS_RETAIN", "7")
	got, err := Load(writeConf(t, "{}"))
	if err != nil {
		t.Fatal(err)
	}
	if got.HLS.Retain != 7 {
		t.Fatalf("hls.retain = %d, want 7 from the environment", got.HLS.Retain)
	}
}
