package pingback

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// FuzzDecode: Decode never panics; what it accepts satisfies every rule of
// the format, survives json.Marshal and Decode again unchanged, and reads
// the same through encoding/json (so the hand-written scanner agrees with
// the standard library on everything it lets through).
func FuzzDecode(f *testing.F) {
	f.Add([]byte(docExample))
	f.Add([]byte(`{"version":1,"reports":[{"swarm_id":"s","session":"abcdefgh","seq":1}]}`))
	f.Add([]byte(`{"reports":[{"swarm_id":"a\/b\u00e9","session":"abcdefgh","seq":2,"peer_id":"\u00ff\u0000bcdefghijklmnopqr\u0080","buffer_s":1.5e2}],"version":1}`))
	f.Add([]byte(`{"version":1,"reports":[{"swarm_id":"s","session":"abcdefgh","seq":1,"hash_failures":[{"count":1},{"peer_id":"-PM0203-xxxxxxxxxxxx","count":9}],"final":true}]}`))
	f.Add([]byte(`{"version":1,"reports":[{"swarm_id":"s","session":"abcdefgh","seq":1,"stall_ms":5,"interval_ms":4}]}`))
	f.Add([]byte(`{"version":1,"reports":[{"swarm_id":"\ud83d\ude00","session":"abcdefgh","seq":1}]}`))
	f.Add([]byte(`{"version":1,"reports":[{"swarm_id":"s","session":"abcdefgh","seq":01}]}`))
	f.Add([]byte(`{"version":1,"reports":[null]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		b, err := Decode(body)
		if err != nil {
			if b != nil {
				t.Fatal("a batch with an error")
			}
			return
		}
		checkInvariants(t, b)

		again, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		b2, err := Decode(again)
		if err != nil {
			t.Fatalf("re-encoded batch refused: %v\n%s", err, again)
		}
		if !reflect.DeepEqual(b, b2) {
			t.Fatalf("round trip changed the batch:\n%+v\n%+v", b, b2)
		}

		var std Batch
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&std); err != nil {
			t.Fatalf("encoding/json refuses what Decode accepted: %v", err)
		}
		if !reflect.DeepEqual(exported(b), exported(&std)) {
			t.Fatalf("encoding/json reads another batch:\n%+v\n%+v", exported(b), exported(&std))
		}
	})
}

// exported is b's exported fields with the defaults applied and empty
// lists as nil.
func exported(b *Batch) Batch {
	out := Batch{Version: b.Version}
	for _, r := range b.Reports {
		r.peerKey, r.nat, r.device = "", 0, 0
		if r.NAT == "" {
			r.NAT = NATUnknown
		}
		if r.Device == "" {
			r.Device = DeviceOther
		}
		var hf []HashFailure
		for _, h := range r.HashFailures {
			hf = append(hf, HashFailure{PeerID: h.PeerID, Count: h.Count})
		}
		r.HashFailures = hf
		out.Reports = append(out.Reports, r)
	}
	return out
}

func checkInvariants(t *testing.T, b *Batch) {
	t.Helper()
	if b.Version != Version || len(b.Reports) < 1 || len(b.Reports) > MaxReports {
		t.Fatalf("batch version %d with %d reports", b.Version, len(b.Reports))
	}
	in := func(v, lo, hi int64) bool { return v >= lo && v <= hi }
	for i, r := range b.Reports {
		ok := len(r.SwarmID) >= 1 && len(r.SwarmID) <= MaxSwarmIDBytes &&
			validSession(r.Session) && in(r.Seq, 1, MaxSeq) &&
			in(r.IntervalMS, 0, MaxIntervalMS) && in(r.StallMS, 0, r.IntervalMS) && in(r.WatchMS, 0, r.IntervalMS) &&
			in(r.CDNBytes, 0, MaxBytesDelta) && in(r.P2PDownBytes, 0, MaxBytesDelta) && in(r.P2PUpBytes, 0, MaxBytesDelta) &&
			in(r.SegmentsCDN, 0, MaxCountDelta) && in(r.SegmentsP2P, 0, MaxCountDelta) && in(r.Stalls, 0, MaxCountDelta) &&
			in(r.StartupMS, 0, MaxStartupMS) && r.BufferS >= 0 && r.BufferS <= MaxBufferSeconds &&
			in(r.PeersConnected, 0, MaxPeersConnected) && in(r.ConnOK, 0, MaxCountDelta) && in(r.ConnFail, 0, MaxCountDelta) &&
			len(r.HashFailures) <= MaxHashFailures && len(r.SDK) <= MaxSDKLen && printableASCII(r.SDK) &&
			slices.Contains(natClasses[:], r.NAT) && natClasses[r.nat] == r.NAT &&
			slices.Contains(deviceClasses[:], r.Device) && deviceClasses[r.device] == r.Device &&
			(r.PeerID == "") == (r.peerKey == "") && len(r.peerKey) <= peerIDLen
		if !ok {
			t.Fatalf("reports[%d] breaks the format: %+v", i, r)
		}
		for _, h := range r.HashFailures {
			if !in(h.Count, 1, MaxCountDelta) || (h.PeerID == "") != (h.peerKey == "") {
				t.Fatalf("reports[%d] hash failure %+v", i, h)
			}
		}
	}
}

// FuzzClientPrefix: any X-Forwarded-For and remote address give either no
// prefix or a masked /24 or /48, never a panic.
func FuzzClientPrefix(f *testing.F) {
	f.Add("192.0.2.7:443", "203.0.113.5")
	f.Add("[2001:db8::1]:80", "6.6.6.6, 2001:db8:1::9")
	f.Add("pipe", "garbage,,")
	f.Add("192.0.2.7:443", "[::ffff:1.2.3.4]:5")
	f.Fuzz(func(t *testing.T, remote, xff string) {
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		r.RemoteAddr = remote
		r.Header.Set("X-Forwarded-For", xff)
		for _, trust := range []bool{false, true} {
			p, ok := clientPrefix(r, trust)
			if !ok {
				continue
			}
			if !p.IsValid() || p != p.Masked() || (p.Addr().Is4() && p.Bits() != ipv4PrefixBits) ||
				(p.Addr().Is6() && p.Bits() != ipv6PrefixBits) || p.Addr().Is4In6() || p.Addr().Zone() != "" {
				t.Fatalf("prefix %v from %q / %q", p, remote, xff)
			}
		}
	})
}

// The codes table of the package doc matches what the handler answers.
func TestDocListsEveryCode(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rejections {
		if want := fmt.Sprintf("//\t%d  %d ", r.code, r.status); !strings.Contains(string(doc), want) {
			t.Errorf("doc.go lacks %q", want)
		}
	}
}
