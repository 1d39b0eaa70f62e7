package p2pmeta

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func readGolden(t testing.TB, file string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestParseRejects feeds broken variants of a golden file; each must fail naming the field.
func TestParseRejects(t *testing.T) {
	golden := string(readGolden(t, "srs6-ts-retained.p2p.json"))
	fmp4 := string(readGolden(t, "srs7-fmp4-init.p2p.json"))
	seg0 := `{"uri":"livestream-0.ts","seq":0,"duration":2.023,"size":90616,`
	replace := func(s, old, new string) string {
		t.Helper()
		if !strings.Contains(s, old) {
			t.Fatalf("golden has no %q", old)
		}
		return strings.Replace(s, old, new, 1)
	}
	cases := []struct {
		name  string
		input string
		want  string // the error text contains this
		is    error
	}{
		{"empty", "", "manifest: bad JSON", ErrInvalid},
		{"not an object", "[]", "manifest: not a JSON object", ErrInvalid},
		{"null", "null", "manifest: not a JSON object", ErrInvalid},
		{"cut short", golden[:len(golden)/2], "bad JSON", ErrInvalid},
		{"trailing data", golden + "x", "manifest: data after the manifest object", ErrInvalid},
		{"two objects", golden + golden, "manifest: data after the manifest object", ErrInvalid},
		{"invalid UTF-8", replace(golden, "origin-a", "origin-\xff"), "manifest: not valid UTF-8", ErrInvalid},
		{"version 2", replace(golden, `"version":1`, `"version":2`), "version: unsupported 2", ErrVersion},
		{"version 2 with new keys", replace(golden, `{"version":1`, `{"v2key":{"x":[1]},"version":2`), "version: unsupported 2", ErrVersion},
		{"version as string", replace(golden, `"version":1`, `"version":"1"`), "version: not an integer", ErrInvalid},
		{"version 1.0", replace(golden, `"version":1`, `"version":1.0`), "version: not an integer", ErrInvalid},
		{"version missing", replace(golden, `"version":1,`, ``), "version: missing", ErrInvalid},
		{"unknown key", replace(golden, `"version":1`, `"version":1,"extra":true`), `"extra": unknown key`, ErrInvalid},
		{"unknown nested key", replace(golden, seg0, seg0+`"bitrate":1,`), `segments[0]."bitrate": unknown key`, ErrInvalid},
		{"key in another case", replace(golden, `"epoch"`, `"Epoch"`), `"Epoch": unknown key`, ErrInvalid},
		{"duplicate key", replace(golden, `"version":1`, `"version":1,"version":1`), "version: duplicate key", ErrInvalid},
		{"duplicate nested key", replace(golden, seg0, seg0+`"size":1,`), "segments[0].size: duplicate key", ErrInvalid},
		{"missing media_sequence", replace(golden, `"media_sequence":1,`, ``), "media_sequence: missing", ErrInvalid},
		{"missing segment size", replace(golden, `"size":90616,`, ``), "segments[0].size: missing", ErrInvalid},
		{"missing pingback", replace(golden, `,"pingback":"https://p2p.example.com/p2p/v1/pingback?site=a&v=1"`, ``), "p2p.pingback: missing", ErrInvalid},
		{"null init", replace(golden, `"segments":`, `"init":null,"segments":`), "init: null is not allowed", ErrInvalid},
		{"null segments", replace(golden, `"segments":[`, `"segments":null,"x":[`), "segments: null is not allowed", ErrInvalid},
		{"null tracker list", replace(golden, `"trackers":["wss://p2p.example.com/p2p/v1/tracker"]`, `"trackers":null`), "p2p.trackers: null", ErrInvalid},
		{"stream not an object", replace(golden, `"stream":{"vhost":"__defaultVhost__","app":"live","name":"livestream"}`, `"stream":"live"`), "stream: not an object", ErrInvalid},
		{"segments not an array", replace(fmp4, `"segments":[`, `"segments":{"a":[`), "segments: not an array", ErrInvalid},
		{"epoch a number", replace(golden, `"epoch":"vid-0ore7v9"`, `"epoch":5`), "epoch: not a string", ErrInvalid},
		{"discontinuity a number", replace(golden, `"discontinuity":true`, `"discontinuity":1`), "segments[0].discontinuity: not true or false", ErrInvalid},
		{"size a string", replace(golden, `"size":90616`, `"size":"90616"`), "segments[0].size: not a number", ErrInvalid},
		{"size fraction", replace(golden, `"size":90616`, `"size":90616.5`), "segments[0].size: not an integer", ErrInvalid},
		{"size exponent", replace(golden, `"size":90616`, `"size":9e4`), "segments[0].size: not an integer", ErrInvalid},
		{"size too big", replace(golden, `"size":90616`, `"size":9223372036854775808`), "segments[0].size: integer out of range", ErrInvalid},
		{"negative size", replace(golden, `"size":90616`, `"size":-1`), "segments[0].size: negative -1", ErrInvalid},
		{"negative seq", replace(golden, `"seq":0`, `"seq":-1`), "segments[0].seq: not a non-negative integer", ErrInvalid},
		{"seq too big", replace(golden, `"media_sequence":1`, `"media_sequence":18446744073709551616`), "media_sequence: integer out of range", ErrInvalid},
		{"duration 4 decimals", replace(golden, `"duration":2.023`, `"duration":2.0234`), "segments[0].duration: not a decimal", ErrInvalid},
		{"duration exponent", replace(golden, `"duration":2.023`, `"duration":1e-7`), "segments[0].duration: not a decimal", ErrInvalid},
		{"duration negative", replace(golden, `"duration":2.023`, `"duration":-1`), "segments[0].duration: not a decimal", ErrInvalid},
		{"duration huge", replace(golden, `"duration":2.023`, `"duration":100000`), "segments[0].duration: not a decimal", ErrInvalid},
		{"duration above a day", replace(golden, `"duration":2.023`, `"duration":86401`), "segments[0].duration: 86401 outside", ErrInvalid},
		{"uppercase hex", replace(golden, `"sha256":"0917`, `"sha256":"0A17`), "segments[0].sha256: not 64 lowercase hex", ErrInvalid},
		{"uri escaping", replace(golden, `"uri":"livestream-0.ts"`, `"uri":"../livestream-0.ts"`), "segments[0].uri: path segment", ErrInvalid},
		{"empty epoch", replace(golden, `"epoch":"vid-0ore7v9"`, `"epoch":""`), "epoch: not 1..128", ErrInvalid},
		{"epoch with space", replace(golden, `"epoch":"vid-0ore7v9"`, `"epoch":"vid 0ore7v9"`), "epoch: not 1..128", ErrInvalid},
		{"deep unknown value", `{"x":` + strings.Repeat("[", 65) + strings.Repeat("]", 65) + `,"version":1}`, "manifest: nested deeper than 64", ErrInvalid},
		{"unknown value within the limit", `{"x":` + strings.Repeat("[", 64) + strings.Repeat("]", 64) + `,"version":1}`, `"x": unknown key`, ErrInvalid},
		{"too big", golden + strings.Repeat(" ", MaxSize), "larger than MaxSize", ErrTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Parse([]byte(c.input))
			if err == nil {
				t.Fatalf("Parse accepted it: %+v", m)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q, want it to contain %q", err, c.want)
			}
			if !errors.Is(err, c.is) {
				t.Errorf("error %v does not match %v", err, c.is)
			}
		})
	}
}

// TestParseAcceptsOtherLayouts: readers must not depend on key order or whitespace.
func TestParseAcceptsOtherLayouts(t *testing.T) {
	for _, g := range goldens {
		golden := readGolden(t, g.file)
		var indented bytes.Buffer
		if err := json.Indent(&indented, golden, "", "\t"); err != nil {
			t.Fatal(err)
		}
		// A round trip through maps sorts every object's keys alphabetically.
		var generic map[string]any
		if err := json.Unmarshal(golden, &generic); err != nil {
			t.Fatal(err)
		}
		sorted, err := json.Marshal(generic)
		if err != nil {
			t.Fatal(err)
		}
		for name, input := range map[string][]byte{"indented": indented.Bytes(), "sorted keys": sorted} {
			m, err := Parse(input)
			if err != nil {
				t.Errorf("%s %s: %v", g.file, name, err)
				continue
			}
			if !reflect.DeepEqual(m, g.make()) {
				t.Errorf("%s %s: parsed %+v", g.file, name, m)
			}
		}
	}
}

func TestParseAcceptsExplicitFalse(t *testing.T) {
	golden := string(readGolden(t, "empty-p2p.p2p.json"))
	input := strings.Replace(golden, `"seq":7,`, `"seq":7,"discontinuity":false,"retained":false,`, 1)
	m, err := Parse([]byte(input))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m, emptyP2P()) {
		t.Errorf("parsed %+v", m)
	}
}
