package tracker

import (
	"encoding/json"
	"testing"
)

func FuzzDecodeFrame(f *testing.F) {
	seeds := []string{
		`{"action":"announce","info_hash":"abcdefghijklmnopqrst","peer_id":"-PM0203-ABCDEFGHIJKL","numwant":5,"uploaded":0,"downloaded":0,"event":"started","offers":[{"offer":{"type":"offer","sdp":"v=0"},"offer_id":"\u009fbcdefghijklmnopqrst"}]}`,
		`{"action":"announce","info_hash":"abcdefghijklmnopqrst","peer_id":"-PM0203-ABCDEFGHIJKL","to_peer_id":"-PM0203-ABCDEFGHIJKM","offer_id":"abcdefghijklmnopqrst","answer":{"type":"answer","sdp":"v=0"}}`,
		`{"action":"scrape","info_hash":["abcdefghijklmnopqrst"]}`,
		`{"action":"scrape"}`,
		`{"action":"announce","info_hash":"\u0100bcdefghijklmnopqrs"}`,
		`[]`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fr, err := decodeFrame(data, 10)
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
		// every reply built from a decoded frame encodes
		_ = encode(offerRelay{Action: actionAnnounce, Offer: firstOffer(fr), OfferID: encodeBinary(fr.peerID), PeerID: encodeBinary(fr.peerID)})
	})
}

func firstOffer(fr *frame) json.RawMessage {
	if len(fr.offers) == 0 {
		return json.RawMessage(`{}`)
	}
	return fr.offers[0].sdp
}
