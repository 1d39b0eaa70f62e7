package tracker

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
)

var frameSeeds = []string{
	`{"action":"announce","info_hash":"abcdefghijklmnopqrst","peer_id":"-PM0203-ABCDEFGHIJKL","numwant":5,"uploaded":0,"downloaded":0,"event":"started","offers":[{"offer":{"type":"offer","sdp":"v=0"},"offer_id":"\u009fbcdefghijklmnopqrst"}]}`,
	`{"action":"announce","info_hash":"abcdefghijklmnopqrst","peer_id":"-PM0203-ABCDEFGHIJKL","to_peer_id":"-PM0203-ABCDEFGHIJKM","offer_id":"abcdefghijklmnopqrst","answer":{"type":"answer","sdp":"v=0"}}`,
	`{"action":"scrape","info_hash":["abcdefghijklmnopqrst"]}`,
	`{"action":"scrape"}`,
	`{"action":"announce","info_hash":"\u0100bcdefghijklmnopqrs"}`,
	`[]`,
	`{"Action":"scr\u0061pe","INFO_HA\u017fH":["abcdefghijklmnopqrst",null]} ]`,
	`{"action":"announce","info_hash":"abcdefghijklmnopqrst","peer_id":"-PM0203-ABCDEFGHIJKL","left":0,"numwant":1e2,"uploaded":-0,"offers":[null,{"offer":null,"offer_id":"x"}]}`,
	`{"action":"announce","info_hash":"abcdefghijklmnopqrst","peer_id":"-PM0203-ABCDEFGHIJKL","offers":[{"offer":{"type":"offer","sdp":"\ud83d\ude00\ud800x\u00e9"},"offer_id":"\u00ff\u00fe\u0000\u001fefghijklmnopqrst"}],"trackerid":{"a":[1,{"b":[]}]}}`,
	`{"action":"announce","peer_id":null,"peer_id":"-PM0203-ABCDEFGHIJKL","info_hash":"abcdefghijklmnopqrst","event":"st\u0061rted","uploaded":1.5e300}`,
	`{"action":"announce","info_hash":"abcdefghijklmnopqrst","peer_id":"-PM0203-ABCDEFGHIJKL","downloaded":1e400}`,
	"{\"action\":\"scrape\",\"x\":\"\xff\xfe\"}",
	`  {"action" : "scrape" , "info_hash" : null }  `,
}

// FuzzDecodeFrame checks the hand-written decoder against the encoding/json
// one it replaced: same verdict, same error kind, same decoded frame.
func FuzzDecodeFrame(f *testing.F) {
	for _, s := range frameSeeds {
		f.Add([]byte(s))
	}
	for _, levels := range []int{maxJSONDepth - 1, maxJSONDepth} { // with the frame's object: the limit, and one more
		f.Add([]byte(`{"action":"scrape","x":` + strings.Repeat("[", levels) + strings.Repeat("]", levels) + `}`))
		f.Add([]byte(`{"action":"scrape","x":` + strings.Repeat(`{"a":`, levels) + `1` + strings.Repeat("}", levels) + `}`))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fr, err := decodeFrame(data, 10)
		want, wantErr := decodeFrameStd(data, 10)
		if errKind(err) != errKind(wantErr) || (fr == nil) != (want == nil) {
			t.Fatalf("decodeFrame(%q) = %v, %v; encoding/json says %v, %v", data, fr != nil, err, want != nil, wantErr)
		}
		if fr != nil {
			if diff := frameDiff(fr, want); diff != "" {
				t.Fatalf("decodeFrame(%q): %s", data, diff)
			}
		}
		if err != nil {
			return
		}
		for _, ih := range fr.infoHashes {
			if len(ih) != idLen {
				t.Fatalf("info_hash of %d bytes", len(ih))
			}
			if back, err := decodeBinary(encodeBinary(ih)); err != nil || back != ih {
				t.Fatalf("binary round trip failed for %q", ih)
			}
		}
		if fr.action == actionAnnounce && (len(fr.infoHashes) != 1 || len(fr.peerID) != idLen) {
			t.Fatalf("announce without ids: %+v", fr)
		}
		if len(fr.offers) > 10 {
			t.Fatalf("%d offers", len(fr.offers))
		}
		for _, o := range fr.offers {
			if len(o.id) != idLen || !json.Valid(o.sdp) {
				t.Fatalf("bad offer %+v", o)
			}
		}
		if fr.isAnswer && (len(fr.toPeerID) != idLen || len(fr.offerID) != idLen || !json.Valid(fr.answer)) {
			t.Fatalf("bad answer %+v", fr)
		}
	})
}

func errKind(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, errTooManyOffers):
		return "too many offers"
	case errors.Is(err, errUnknownAction):
		return "unknown action"
	case errors.Is(err, errFrame):
		return "invalid frame"
	}
	return "unexpected: " + err.Error()
}

func frameDiff(got, want *frame) string {
	var d []string
	check := func(name string, ok bool) {
		if !ok {
			d = append(d, name)
		}
	}
	check("action", got.action == want.action)
	check("info_hash", strings.Join(got.infoHashes, "|") == strings.Join(want.infoHashes, "|") && len(got.infoHashes) == len(want.infoHashes))
	check("peer_id", got.peerID == want.peerID)
	check("event", got.event == want.event)
	check("numwant", got.numwant == want.numwant)
	same := func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }
	check("uploaded", same(got.uploaded, want.uploaded))
	check("downloaded", same(got.downloaded, want.downloaded))
	check("left", same(got.left, want.left) && got.hasLeft == want.hasLeft)
	check("answer", got.isAnswer == want.isAnswer && got.toPeerID == want.toPeerID && got.offerID == want.offerID &&
		bytes.Equal(got.answer, want.answer))
	check("offers", len(got.offers) == len(want.offers))
	for i := 0; i < len(got.offers) && i < len(want.offers); i++ {
		check("offer id", got.offers[i].id == want.offers[i].id)
		check("offer sdp", bytes.Equal(got.offers[i].sdp, want.offers[i].sdp))
	}
	if len(d) == 0 {
		return ""
	}
	return "differs from encoding/json in " + strings.Join(d, ", ")
}
