package hooks

import (
	"errors"
	"strings"
	"testing"
)

// TestDecodeAccepts: bodies SRS sends or may send, including fields we do
// not know, decode to the right values.
func TestDecodeAccepts(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		check func(*Request) bool
	}{
		{"SRS 7 on_play with clients",
			`{"server_id":"vid-3wcv3xb","service_id":"85kh5976","action":"on_play","client_id":"27q861wz","ip":"127.0.0.1","vhost":"__defaultVhost__","app":"live","stream":"livestream.m3u8","tcUrl":"http://127.0.0.1/live","param":"","pageUrl":"","stream_url":"/live/livestream","stream_id":"vid-f20t433","clients":2}`,
			func(r *Request) bool {
				return r.Clients == 2 && r.Stream == "livestream.m3u8" && r.TcURL == "http://127.0.0.1/live"
			}},
		{"on_close without stream",
			`{"server_id":"vid-e38ice4","service_id":"552723c4","action":"on_close","client_id":"1dr42p0g","ip":"127.0.0.1","vhost":"__defaultVhost__","app":"live","send_bytes":126048,"recv_bytes":3510}`,
			func(r *Request) bool { return r.SendBytes == 126048 && r.RecvBytes == 3510 && r.Stream == "" }},
		{"on_dvr file and cwd kept, never checked as paths",
			`{"action":"on_dvr","client_id":"c","vhost":"v","app":"live","stream":"s","cwd":"/usr/local/srs","file":"../../dvr/live/s.flv"}`,
			func(r *Request) bool { return r.File == "../../dvr/live/s.flv" && r.Cwd == "/usr/local/srs" }},
		{"unknown fields of every type ignored",
			`{"action":"on_publish","client_id":"c","vhost":"v","app":"live","stream":"s","future":{"a":[1,2,{"b":null}]},"list":[1,"x"],"flag":true,"n":null,"f":1.5e3}`,
			func(r *Request) bool { return r.Action == "on_publish" && r.Stream == "s" }},
		{"brackets and quotes inside unknown values",
			`{"x":["a\\\"]}",{"b":"}],"}],"y":"{\"","action":"on_connect","client_id":"c","vhost":"v","app":"live","stream":"s"}`,
			func(r *Request) bool { return r.Action == "on_connect" && r.Stream == "s" }},
		{"keys match case-sensitively: URL is unknown",
			`{"action":"on_hls","client_id":"c","vhost":"v","app":"live","stream":"s","url":"live/s-1.ts","URL":"../../etc/x.ts","m3u8_url":"live/s.m3u8","seq_no":1,"duration":2}`,
			func(r *Request) bool { return r.URL == "live/s-1.ts" }},
		{"duration integer, whitespace around the object",
			" \n{\"action\":\"on_hls\",\"client_id\":\"c\",\"vhost\":\"v\",\"app\":\"live\",\"stream\":\"s\",\"url\":\"./live//s-1.ts\",\"m3u8_url\":\"live/s.m3u8\",\"seq_no\":9223372036854775807,\"duration\":86400}\n",
			func(r *Request) bool {
				return r.Duration == 86400 && r.SeqNo == 9223372036854775807 && r.URL == "./live//s-1.ts"
			}},
		{"escaped strings decoded",
			`{"action":"on_publish","client_id":"c","vhost":"v","app":"li\u0076e","stream":"\u00e9t\u00e9","param":"?a=\"b\""}`,
			func(r *Request) bool { return r.App == "live" && r.Stream == "été" && r.Param == `?a="b"` }},
		{"long JWT param on publish",
			`{"action":"on_publish","client_id":"c","vhost":"v","app":"live","stream":"s","param":"?token=` + strings.Repeat("J", 3000) + `"}`,
			func(r *Request) bool { return len(r.Param) == 3007 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Decode([]byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(r) {
				t.Errorf("decoded %+v", r)
			}
		})
	}
}

// TestDecodeRefuses covers what the hostile router test does not.
func TestDecodeRefuses(t *testing.T) {
	base := `"client_id":"c","vhost":"v","app":"live","stream":"s"`
	tests := []struct {
		name, body string
		want       error
	}{
		{"whitespace only", " \n ", ErrMalformed},
		{"string", `"on_hls"`, ErrMalformed},
		{"null", `null`, ErrMalformed},
		{"unclosed", `{"action":"on_publish",` + base, ErrMalformed},
		{"missing comma", `{"action":"on_publish" ` + base + `}`, ErrMalformed},
		{"unknown field bad value", `{"action":"on_publish",` + base + `,"x":[1,}`, ErrMalformed},
		{"trailing object", `{"action":"on_publish",` + base + `}{}`, ErrMalformed},
		{"trailing comma", `{"action":"on_publish",` + base + `,}`, ErrMalformed},
		{"action number", `{"action":1,` + base + `}`, ErrInvalidField},
		{"action empty", `{"action":"",` + base + `}`, ErrUnknownAction},
		{"action wrong case", `{"action":"ON_PUBLISH",` + base + `}`, ErrUnknownAction},
		{"client_id missing", `{"action":"on_publish","vhost":"v","app":"live","stream":"s"}`, ErrInvalidField},
		{"client_id empty", `{"action":"on_publish","client_id":"","vhost":"v","app":"live","stream":"s"}`, ErrInvalidField},
		{"on_close needs vhost", `{"action":"on_close","client_id":"c","app":"live"}`, ErrInvalidField},
		{"send_bytes negative", `{"action":"on_close","client_id":"c","vhost":"v","app":"live","send_bytes":-1}`, ErrInvalidField},
		{"clients fraction", `{"action":"on_play",` + base + `,"clients":1.0}`, ErrInvalidField},
		{"seq_no exponent", `{"action":"on_dvr",` + base + `,"seq_no":1e2}`, ErrInvalidField},
		{"seq_no bool", `{"action":"on_dvr",` + base + `,"seq_no":true}`, ErrInvalidField},
		{"param too long", `{"action":"on_publish",` + base + `,"param":"` + strings.Repeat("p", 4097) + `"}`, ErrInvalidField},
		{"C1 control in vhost", `{"action":"on_publish","client_id":"c","vhost":"v\u0085","app":"live","stream":"s"}`, ErrInvalidField},
		{"DEL in client_id", `{"action":"on_publish","client_id":"c\u007f","vhost":"v","app":"live","stream":"s"}`, ErrInvalidField},
		{"duplicate unknown-then-known ok but known twice", `{"action":"on_publish",` + base + `,"stream":"t"}`, ErrInvalidField},
		{"on_hls missing duration", `{"action":"on_hls",` + base + `,"url":"live/s-1.ts","m3u8_url":"live/s.m3u8","seq_no":1}`, ErrInvalidField},
		{"on_hls url escapes", `{"action":"on_hls",` + base + `,"url":"live/../../s-1.ts","m3u8_url":"live/s.m3u8","seq_no":1,"duration":1}`, ErrPathOutside},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Decode([]byte(tc.body))
			if !errors.Is(err, tc.want) || r != nil {
				t.Fatalf("Decode = %+v, %v; want nil, %v", r, err, tc.want)
			}
		})
	}
}

func TestEpoch(t *testing.T) {
	tests := []struct {
		r    Request
		want string
	}{
		{Request{StreamID: "vid-0ore7v9", ClientID: "35290174"}, "vid-0ore7v9"},
		{Request{ClientID: "35290174"}, "35290174"}, // SRS 4
		{Request{}, ""},
	}
	for _, tc := range tests {
		if got := Epoch(&tc.r); got != tc.want {
			t.Errorf("Epoch(%+v) = %q, want %q", tc.r, got, tc.want)
		}
		p := Publish{StreamID: tc.r.StreamID, ClientID: tc.r.ClientID}
		e := HLS{StreamID: tc.r.StreamID, ClientID: tc.r.ClientID}
		if p.Epoch() != tc.want || e.Epoch() != tc.want {
			t.Errorf("Publish/HLS Epoch = %q/%q, want %q", p.Epoch(), e.Epoch(), tc.want)
		}
	}
}
