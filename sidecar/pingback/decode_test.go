package pingback

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// docExample is the report of the package doc.
const docExample = `{"version":1,"reports":[{
  "swarm_id":"srs-p2p:o1/__defaultVhost__/live/livestream/vid-0ore7v9",
  "peer_id":"-PM0203-ab12cd34ef56",
  "session":"k3J9aQ7x",
  "seq":1,
  "interval_ms":10000,
  "cdn_bytes":1,"p2p_down_bytes":2,"p2p_up_bytes":3,
  "segments_cdn":4,"segments_p2p":5,
  "stalls":6,"stall_ms":7,
  "startup_ms":8,
  "buffer_s":12.5,
  "watch_ms":9000,
  "peers_connected":3,
  "conn_ok":2,"conn_fail":1,
  "hash_failures":[{"peer_id":"-PM0203-xxxxxxxxxxxx","count":1},{"peer_id":"","count":2}],
  "nat":"endpoint_dependent",
  "sdk":"srs-p2p-web/0.1.0",
  "device":"mobile",
  "final":true
}]}`

func TestDecodeDocExample(t *testing.T) {
	b, err := Decode([]byte(docExample))
	if err != nil {
		t.Fatal(err)
	}
	want := Report{
		SwarmID: "srs-p2p:o1/__defaultVhost__/live/livestream/vid-0ore7v9", PeerID: "-PM0203-ab12cd34ef56",
		Session: "k3J9aQ7x", Seq: 1, IntervalMS: 10000, CDNBytes: 1, P2PDownBytes: 2, P2PUpBytes: 3,
		SegmentsCDN: 4, SegmentsP2P: 5, Stalls: 6, StallMS: 7, StartupMS: 8, BufferS: 12.5, WatchMS: 9000,
		PeersConnected: 3, ConnOK: 2, ConnFail: 1,
		HashFailures: []HashFailure{{PeerID: peerX, Count: 1, peerKey: peerX}, {PeerID: "", Count: 2}},
		NAT:          NATEndpointDependent, SDK: "srs-p2p-web/0.1.0", Device: DeviceMobile, Final: true,
		peerKey: "-PM0203-ab12cd34ef56", nat: 2, device: 1,
	}
	if b.Version != 1 || len(b.Reports) != 1 || !reflect.DeepEqual(b.Reports[0], want) {
		t.Fatalf("got %+v\nwant %+v", b.Reports, want)
	}
	if got := b.Reports[0].hashFailureSum(); got != 3 {
		t.Errorf("hash failure sum %d, want 3", got)
	}
}

func TestDecodeDefaultsAndEscapes(t *testing.T) {
	// peer_id with \u escapes of latin1 bytes, as a browser sends random bytes.
	body := `{"reports":[{"swarm_id":"a\/b","session":"abcdefgh","seq":4294967295,
		"peer_id":"\u00ff\u0000bcdefghijklmnopqr\u0080"}], "version":1}`
	b, err := Decode([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	r := b.Reports[0]
	if r.SwarmID != "a/b" || r.NAT != NATUnknown || r.Device != DeviceOther || r.Seq != MaxSeq || r.Final {
		t.Fatalf("report %+v", r)
	}
	if r.peerKey != "\xff\x00bcdefghijklmnopqr\x80" || r.PeerID != "\u00ff\u0000bcdefghijklmnopqr\u0080" {
		t.Fatalf("peer key %q sent %q", r.peerKey, r.PeerID)
	}
}

func TestDecodeLimits(t *testing.T) {
	one := func(fields string) string {
		return `{"version":1,"reports":[{"swarm_id":"s","session":"abcdefgh","seq":1,` + fields + `}]}`
	}
	ok := []string{
		one(`"interval_ms":120000,"stall_ms":120000,"watch_ms":120000`),
		one(`"cdn_bytes":10000000000,"p2p_down_bytes":0,"p2p_up_bytes":10000000000`),
		one(`"buffer_s":3600,"startup_ms":120000,"peers_connected":1000`),
		one(`"buffer_s":1e3,"sdk":""`),
		one(`"buffer_s":0.0`),
		`{"version":1,"reports":[` + strings.Repeat(`{"swarm_id":"s","session":"abcdefgh","seq":1},`, MaxReports-1) +
			`{"swarm_id":"s","session":"abcdefgh","seq":2}]}`,
		one(`"hash_failures":[` + strings.Repeat(`{"count":1},`, MaxHashFailures-1) + `{"count":10000}]`),
		`{"version":1,"reports":[{"swarm_id":"` + strings.Repeat("x", MaxSwarmIDBytes) + `","session":"abcdefgh","seq":1}]}`,
		" \n\t" + one(`"final":false`) + " \r\n",
	}
	for i, body := range ok {
		if _, err := Decode([]byte(body)); err != nil {
			t.Errorf("ok[%d]: %v", i, err)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	one := func(fields string) string {
		return `{"version":1,"reports":[{"swarm_id":"s","session":"abcdefgh","seq":1` + fields + `}]}`
	}
	cases := []struct {
		name, body, want string
	}{
		{"empty", "  ", "empty body"},
		{"not an object", `[1]`, "want an object, got an array"},
		{"trailing data", one("") + "{}", "data after the JSON object"},
		{"missing version", `{"reports":[{"swarm_id":"s","session":"abcdefgh","seq":1}]}`, "version: missing"},
		{"version 2", `{"version":2,"reports":[]}`, "version: unsupported version 2"},
		{"version string", `{"version":"1","reports":[]}`, "version: want an integer, got a string"},
		{"no reports", `{"version":1}`, "reports: want 1 to 16 reports"},
		{"empty reports", `{"version":1,"reports":[]}`, "reports: want 1 to 16 reports"},
		{"too many reports", `{"version":1,"reports":[` + strings.Repeat(`{"swarm_id":"s","session":"abcdefgh","seq":1},`, MaxReports) + `{}]}`, "reports: more than 16 entries"},
		{"unknown top field", `{"version":1,"extra":1}`, `unknown field "extra"`},
		{"duplicate version", `{"version":1,"version":1}`, `duplicate field "version"`},
		{"unknown report field", one(`,"foo":1`), `reports[0]: unknown field "foo"`},
		{"key case", one(`,"Seq":2`), `reports[0]: unknown field "Seq"`},
		{"duplicate field", one(`,"seq":2`), `reports[0]: duplicate field "seq"`},
		{"null", one(`,"cdn_bytes":null`), "reports[0].cdn_bytes: want an integer, got null"},
		{"missing swarm", `{"version":1,"reports":[{"session":"abcdefgh","seq":1}]}`, "reports[0].swarm_id: missing"},
		{"missing session", `{"version":1,"reports":[{"swarm_id":"s","seq":1}]}`, "reports[0].session: missing"},
		{"seq 0", `{"version":1,"reports":[{"swarm_id":"s","session":"abcdefgh"}]}`, "reports[0].seq: must be at least 1"},
		{"seq negative", `{"version":1,"reports":[{"swarm_id":"s","session":"abcdefgh","seq":-1}]}`, "reports[0].seq: must not be negative"},
		{"seq fraction", `{"version":1,"reports":[{"swarm_id":"s","session":"abcdefgh","seq":1.5}]}`, "reports[0].seq: must be an integer"},
		{"seq exponent", `{"version":1,"reports":[{"swarm_id":"s","session":"abcdefgh","seq":1e3}]}`, "reports[0].seq: must be an integer"},
		{"seq leading zero", `{"version":1,"reports":[{"swarm_id":"s","session":"abcdefgh","seq":01}]}`, "reports[0].seq: leading zero"},
		{"seq too large", `{"version":1,"reports":[{"swarm_id":"s","session":"abcdefgh","seq":4294967296}]}`, "reports[0].seq: must be at most 4294967295"},
		{"huge number", `{"version":1,"reports":[{"swarm_id":"s","session":"abcdefgh","seq":99999999999999999999999}]}`, "reports[0].seq: must be at most"},
		{"interval", one(`,"interval_ms":120001`), "reports[0].interval_ms: must be at most 120000"},
		{"cdn bytes", one(`,"cdn_bytes":10000000001`), "reports[0].cdn_bytes: must be at most 10000000000"},
		{"segments", one(`,"segments_p2p":10001`), "reports[0].segments_p2p: must be at most 10000"},
		{"stall over interval", one(`,"interval_ms":1000,"stall_ms":1001`), "reports[0].stall_ms: 1001 exceeds interval_ms 1000"},
		{"watch over interval", one(`,"watch_ms":1`), "reports[0].watch_ms: 1 exceeds interval_ms 0"},
		{"startup", one(`,"startup_ms":120001`), "reports[0].startup_ms: must be at most 120000"},
		{"peers", one(`,"peers_connected":1001`), "reports[0].peers_connected: must be at most 1000"},
		{"conn fail", one(`,"conn_fail":10001`), "reports[0].conn_fail: must be at most 10000"},
		{"buffer negative", one(`,"buffer_s":-1`), "reports[0].buffer_s: must not be negative"},
		{"buffer large", one(`,"buffer_s":3600.5`), "reports[0].buffer_s: must be at most 3600"},
		{"buffer inf", one(`,"buffer_s":1e999`), "reports[0].buffer_s: must be at most 3600"},
		{"buffer string", one(`,"buffer_s":"1"`), "reports[0].buffer_s: want a number, got a string"},
		{"buffer dot", one(`,"buffer_s":1.`), "reports[0].buffer_s: want digits after '.'"},
		{"session short", `{"version":1,"reports":[{"swarm_id":"s","session":"abcdefg","seq":1}]}`, "reports[0].session: want 8 to 64 characters"},
		{"session char", `{"version":1,"reports":[{"swarm_id":"s","session":"abcdefg!","seq":1}]}`, "reports[0].session: want 8 to 64 characters"},
		{"session long", `{"version":1,"reports":[{"swarm_id":"s","session":"` + strings.Repeat("a", 65) + `","seq":1}]}`, "reports[0].session: string longer than 64 bytes"},
		{"swarm empty", `{"version":1,"reports":[{"swarm_id":"","session":"abcdefgh","seq":1}]}`, "reports[0].swarm_id: must not be empty"},
		{"swarm long", `{"version":1,"reports":[{"swarm_id":"` + strings.Repeat("x", MaxSwarmIDBytes+1) + `"}]}`, "reports[0].swarm_id: string longer than 512 bytes"},
		{"swarm long escaped", `{"version":1,"reports":[{"swarm_id":"` + strings.Repeat(`\/`, MaxSwarmIDBytes+1) + `"}]}`, "reports[0].swarm_id: string longer than 512 bytes"},
		{"peer short", one(`,"peer_id":"-PM0203-xxxxxxxxxxx"`), "reports[0].peer_id: want \"\" or a 20-character latin1 peer id"},
		{"peer not latin1", one(`,"peer_id":"-PM0203-xxxxxxxxxxx\u0100"`), "reports[0].peer_id: want \"\" or a 20-character latin1 peer id"},
		{"nat", one(`,"nat":"full_cone"`), `reports[0].nat: "full_cone" is not one of`},
		{"nat empty", one(`,"nat":""`), `reports[0].nat: "" is not one of`},
		{"device", one(`,"device":"phone"`), `reports[0].device: "phone" is not one of`},
		{"sdk control", one(`,"sdk":"a\u0001"`), "reports[0].sdk: want printable ASCII"},
		{"sdk unicode", one(`,"sdk":"é"`), "reports[0].sdk: want printable ASCII"},
		{"sdk long", one(`,"sdk":"` + strings.Repeat("v", MaxSDKLen+1) + `"`), "reports[0].sdk: string longer than 64 bytes"},
		{"final string", one(`,"final":"true"`), "reports[0].final: want true or false, got a string"},
		{"final number", one(`,"final":1`), "reports[0].final: want true or false, got a number"},
		{"final literal", one(`,"final":truex`), "reports[0].final: invalid literal"},
		{"hash failures 33", one(`,"hash_failures":[` + strings.Repeat(`{"count":1},`, MaxHashFailures) + `{"count":1}]`), "reports[0].hash_failures: more than 32 entries"},
		{"hash count 0", one(`,"hash_failures":[{"peer_id":""}]`), "reports[0].hash_failures[0].count: must be 1 to 10000"},
		{"hash unknown field", one(`,"hash_failures":[{"count":1,"peer":"x"}]`), `reports[0].hash_failures[0]: unknown field "peer"`},
		{"hash peer", one(`,"hash_failures":[{"count":1,"peer_id":"x"}]`), "reports[0].hash_failures[0].peer_id: want \"\""},
		{"hash not array", one(`,"hash_failures":{}`), "reports[0].hash_failures: want an array, got an object"},
		{"invalid utf8", one(`,"sdk":"` + "\xff" + `"`), "reports[0].sdk: invalid UTF-8"},
		{"lone surrogate", one(`,"sdk":"\ud800"`), "reports[0].sdk: lone surrogate"},
		{"bad escape", one(`,"sdk":"\x"`), `reports[0].sdk: invalid escape \x`},
		{"control char", one(`,"sdk":"a` + "\t" + `"`), "reports[0].sdk: control character"},
		{"unterminated", `{"version":1,"reports":[{"swarm_id":"s`, "reports[0].swarm_id: unterminated string"},
		{"missing comma", `{"version":1 "reports":[]}`, "want ',' or '}' after a field"},
		{"long key", `{"` + strings.Repeat("k", 40) + `":1}`, "string longer than 32 bytes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := Decode([]byte(c.body))
			if err == nil {
				t.Fatalf("accepted: %+v", b)
			}
			if !errors.Is(err, ErrBadRequest) {
				t.Errorf("error %v does not wrap ErrBadRequest", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q, want it to contain %q", err, c.want)
			}
		})
	}
}

// Every field of reportFields is wired: a report naming each decodes and
// sets the field (the table is positional).
func TestReportFieldsTable(t *testing.T) {
	for i, f := range reportFields {
		if id, ok := reportFieldID([]byte(f.name)); f.name == "" || f.set == nil || !ok || id != i {
			t.Fatalf("reportFields[%d] = %q not wired", i, f.name)
		}
	}
	names := map[int]string{fieldSwarmID: "swarm_id", fieldSession: "session", fieldSeq: "seq", fieldNAT: "nat", fieldDevice: "device"}
	for id, name := range names {
		if reportFields[id].name != name {
			t.Errorf("field %d is %q, want %q", id, reportFields[id].name, name)
		}
	}
	if len(reportFields) > 32 {
		t.Fatalf("%d fields do not fit the seen bitmask", len(reportFields))
	}
	typ := reflect.TypeOf(Report{})
	for i := 0; i < typ.NumField(); i++ {
		tag := strings.Split(typ.Field(i).Tag.Get("json"), ",")[0]
		if tag == "" {
			continue
		}
		if _, ok := reportFieldID([]byte(tag)); !ok {
			t.Errorf("Report field %s (%q) is not decoded", typ.Field(i).Name, tag)
		}
	}
	if got, want := len(reportFields), typ.NumField()-3; got != want {
		t.Errorf("%d decoded fields, Report has %d", got, want)
	}
}

func ExampleDecode() {
	b, err := Decode([]byte(`{"version":1,"reports":[{"swarm_id":"s","session":"abcdefgh","seq":3,"stalls":-1}]}`))
	fmt.Println(b, err)
	// Output: <nil> pingback: bad request: reports[0].stalls: must not be negative (at byte 78)
}
