package deploy

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// shape is a directive without line numbers, for comparing trees.
func shape(list []*directive) []any {
	out := []any{}
	for _, d := range list {
		item := []any{d.name, append([]string{}, d.args...)}
		if d.block != nil {
			item = append(item, shape(d.block))
		}
		out = append(out, item)
	}
	return out
}

func TestParseConf(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []any
	}{
		{"empty", "", []any{}},
		{"comment only", "# nothing\n   # here", []any{}},
		{"one directive", "listen 1935;", []any{[]any{"listen", []string{"1935"}}}},
		{"no args", "daemon;", []any{[]any{"daemon", []string{}}}},
		{"block", "hls { enabled on; hls_fragment 2; }", []any{
			[]any{"hls", []string{}, []any{
				[]any{"enabled", []string{"on"}},
				[]any{"hls_fragment", []string{"2"}},
			}},
		}},
		{"block with args", "vhost __defaultVhost__ {\n}\n", []any{
			[]any{"vhost", []string{"__defaultVhost__"}, []any{}},
		}},
		{"comment after directive", "a 1; # b 2;\nc 3;", []any{
			[]any{"a", []string{"1"}}, []any{"c", []string{"3"}},
		}},
		{"quoted words", `add_header Cache-Control "public, max-age=1" always;`, []any{
			[]any{"add_header", []string{"Cache-Control", "public, max-age=1", "always"}},
		}},
		{"quoted delimiters and escapes", `x 'a;{}#b' "q\"q" '';`, []any{
			[]any{"x", []string{"a;{}#b", `q"q`, ""}},
		}},
		{"regex and variables", `location ~ \.(ts|m4s)$ { proxy_pass http://srs$uri; }`, []any{
			[]any{"location", []string{"~", `\.(ts|m4s)$`}, []any{
				[]any{"proxy_pass", []string{"http://srs$uri"}},
			}},
		}},
		{"no blank before ;", "a b;c{d;}", []any{
			[]any{"a", []string{"b"}}, []any{"c", []string{}, []any{[]any{"d", []string{}}}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseConf([]byte(tt.src))
			if err != nil {
				t.Fatalf("parseConf: %v", err)
			}
			if g := shape(got); !reflect.DeepEqual(g, tt.want) {
				t.Fatalf("got  %#v\nwant %#v", g, tt.want)
			}
		})
	}
}

func TestParseConfErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"missing semicolon at end", "listen 1935", `directive "listen" has no ';'`},
		{"missing semicolon before }", "hls { enabled on }", `directive "enabled" has no ';'`},
		{"unterminated block", "hls { enabled on;", "unterminated block"},
		{"stray }", "a 1; }", "unexpected '}'"},
		{"stray ;", ";", "';' without a directive"},
		{"block without name", "{ a; }", "'{' without a directive name"},
		{"unterminated quote", `a "b;`, "unterminated quoted string"},
		{"too deep", strings.Repeat("a {", maxConfDepth+2) + strings.Repeat("}", maxConfDepth+2), "nested deeper"},
		{"too large", strings.Repeat("#", maxConfBytes+1), "more than"},
		{"line number", "a 1;\nb 2;\n}", "line 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseConf([]byte(tt.src))
			if err == nil {
				t.Fatalf("parseConf(%q) succeeded, want an error containing %q", tt.src, tt.want)
			}
			if !errors.Is(err, errConf) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q: want errConf containing %q", err, tt.want)
			}
		})
	}
}

func TestFind(t *testing.T) {
	conf, err := parseConf([]byte("vhost a { hls { p /x; } }\nvhost b { hls { p /y; } }\np /z;"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range find(conf, "vhost", "hls", "p") {
		got = append(got, d.args[0])
	}
	if want := []string{"/x", "/y"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("find = %v, want %v", got, want)
	}
}

// FuzzParseConf: the parser never panics, and whatever it accepts survives a
// render and a second parse unchanged.
func FuzzParseConf(f *testing.F) {
	for _, seed := range []string{
		"listen 1935;\nvhost __defaultVhost__ { hls { enabled on; } }\n",
		`add_header X "a b" always; map $a $b { default upgrade; '' close; }`,
		"a { b { c { d; } } }",
		`x "\"" '\\';`,
		"# only a comment",
		"a 1",
		"}",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		list, err := parseConf(src)
		if err != nil {
			if !errors.Is(err, errConf) {
				t.Fatalf("error %v does not wrap errConf", err)
			}
			return
		}
		again, err := parseConf([]byte(renderConf(list)))
		if err != nil {
			t.Fatalf("rendered config does not parse: %v\n%s", err, renderConf(list))
		}
		if !reflect.DeepEqual(shape(list), shape(again)) {
			t.Fatalf("round trip changed the tree:\n%#v\n%#v", shape(list), shape(again))
		}
	})
}
