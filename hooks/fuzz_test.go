package hooks

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"testing"
)

// FuzzDecode: Decode never panics; what it refuses wraps one of its
// sentinels with a bounded reason; what it accepts is a known action whose
// on_hls paths map inside the HLS dir, and it decodes again to the same
// Request after re-encoding. It also checks the member walker against
// encoding/json: a malformed verdict only for what encoding/json cannot read
// as an object, and every known field equal to encoding/json's value.
func FuzzDecode(f *testing.F) {
	for _, c := range loadCaptures(f) {
		if c.Body != "" {
			f.Add([]byte(c.Body))
		}
	}
	for _, s := range []string{
		`{"action":"on_hls","client_id":"c","vhost":"v","app":"a","stream":"s","url":"../x.ts","m3u8_url":"a/s.m3u8","seq_no":0,"duration":0}`,
		`{"action":"on_publish","client_id":"c","vhost":"v","app":"a","stream":"s","stream":"t"}`,
		`{"action":"on_close","client_id":"c","vhost":"v","app":"a","send_bytes":1e3}`,
		`{"action":"on_play","client_id":"c","vhost":"v","app":"a","stream":"s","x":{"y":[null,true]}} {}`,
		`{"action":"on_hls","seq_no":"1"}`,
		`{"x":["a\\\"]}",{"b":"}"}],"action":"on_connect","client_id":"c","vhost":"v","app":"a","stream":"s"}`,
		`{"action":"on_connect","client_id":"\u0063","vhost":"\ud800","app":"a","stream":"s","n":-0.0e+1}`,
		`[]`, ``, `{`, `{"action":null}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := Decode(body)
		if err != nil {
			if r != nil {
				t.Fatal("non-nil Request with an error")
			}
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrInvalidField) &&
				!errors.Is(err, ErrUnknownAction) && !errors.Is(err, ErrPathOutside) {
				t.Fatalf("error wraps no sentinel: %v", err)
			}
			if len(err.Error()) > 400 {
				t.Fatalf("unbounded reason: %d bytes", len(err.Error()))
			}
			var obj map[string]any
			if errors.Is(err, ErrMalformed) && json.Unmarshal(body, &obj) == nil && obj != nil {
				t.Fatalf("encoding/json reads an object, Decode says %v", err)
			}
			return
		}
		sameAsStdlib(t, body, r)
		if i := actionIndex(r.Action); i == unknownActionIndex || r.Action == actionHLSNotify {
			t.Fatalf("accepted action %q", r.Action)
		}
		if r.ClientID == "" || r.Vhost == "" || r.App == "" || r.SeqNo < 0 || r.Duration < 0 || r.Duration > maxDuration {
			t.Fatalf("accepted invalid %+v", r)
		}
		if r.Action == actionHLS {
			ev, err := hlsEvent(r)
			if err != nil {
				t.Fatalf("accepted on_hls whose paths fail: %v", err)
			}
			for _, p := range []string{ev.Segment, ev.Playlist} {
				if again, err := RelPath(p); err != nil || again != p {
					t.Fatalf("path %q not clean: %v", p, err)
				}
			}
		}
		again, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		r2, err := Decode(again)
		if err != nil || !reflect.DeepEqual(r, r2) {
			t.Fatalf("round trip: %v\n%+v\n%+v", err, r, r2)
		}
	})
}

// sameAsStdlib compares every known field of r with what encoding/json
// decodes from body under the exact key (Decode refused duplicates, so
// encoding/json's last-wins is the only value).
func sameAsStdlib(t *testing.T, body []byte, r *Request) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("Decode accepted what encoding/json refuses: %v", err)
	}
	for id := range numFields {
		f := &fields[id]
		v, present := m[f.name]
		switch f.kind {
		case kindString:
			want, _ := v.(string)
			if got := *f.str(r); got != want || present && v == nil {
				t.Fatalf("%s: Decode %q, encoding/json %#v", f.name, got, v)
			}
		case kindInt:
			n, _ := v.(json.Number)
			want, _ := strconv.ParseInt(string(n), 10, 64)
			if got := *f.integer(r); got != want {
				t.Fatalf("%s: Decode %d, encoding/json %#v", f.name, got, v)
			}
		case kindFloat:
			n, _ := v.(json.Number)
			want, _ := strconv.ParseFloat(string(n), 64)
			if got := *f.float(r); got != want {
				t.Fatalf("%s: Decode %v, encoding/json %#v", f.name, got, v)
			}
		}
	}
}
