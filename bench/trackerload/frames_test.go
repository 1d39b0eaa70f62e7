package main

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

var (
	alice = identity{peerID: "-TL0001-aaaaaaaaaaaa", infoHash: swarmHash(0), swarm: 0}
	bob   = identity{peerID: "-TL0001-bbbbbbbbbbbb", infoHash: swarmHash(0), swarm: 0}
	carol = identity{peerID: "-TL0001-cccccccccccc", infoHash: swarmHash(1), swarm: 1}
)

// announceIn is the part of our announce a tracker reads.
type announceIn struct {
	Action   string `json:"action"`
	InfoHash string `json:"info_hash"`
	PeerID   string `json:"peer_id"`
	Numwant  int    `json:"numwant"`
	Event    string `json:"event"`
	Offers   []struct {
		Offer   json.RawMessage `json:"offer"`
		OfferID string          `json:"offer_id"`
	} `json:"offers"`
}

// relay builds what a tracker sends for a relayed offer or answer
// (DESIGN.md §5), with the given fields.
func relay(t *testing.T, kind string, sdp json.RawMessage, offerID, peerID, infoHash string) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"action": "announce", kind: sdp, "offer_id": offerID, "peer_id": peerID, "info_hash": infoHash})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestFramesRoundTrip: what the load sends is valid JSON of the protocol's
// shape, and an honest relay of it classifies as a good offer, whose
// answer relayed back classifies as a good answer carrying the send time.
func TestFramesRoundTrip(t *testing.T) {
	sent := 1234567 * time.Microsecond
	var a announceIn
	if err := json.Unmarshal(appendAnnounce(nil, alice, "started", []string{"offer0000000000000001", "offer0000000000000002"}, sent), &a); err != nil {
		t.Fatal(err)
	}
	if a.Action != "announce" || a.InfoHash != alice.infoHash || a.PeerID != alice.peerID || a.Numwant != 2 || a.Event != "started" || len(a.Offers) != 2 {
		t.Fatalf("announce decoded to %+v", a)
	}
	kind, offer, _, err := classify(relay(t, "offer", a.Offers[1].Offer, a.Offers[1].OfferID, alice.peerID, alice.infoHash), bob)
	if kind != kindOffer || err != nil || offer.offerer != alice.peerID || offer.offerID != "offer0000000000000002" || offer.sent != sent {
		t.Fatalf("relayed offer classified %v %+v %v", kind, offer, err)
	}

	var ans struct {
		Action   string          `json:"action"`
		InfoHash string          `json:"info_hash"`
		PeerID   string          `json:"peer_id"`
		ToPeerID string          `json:"to_peer_id"`
		OfferID  string          `json:"offer_id"`
		Answer   json.RawMessage `json:"answer"`
	}
	if err := json.Unmarshal(appendAnswer(nil, bob, offer), &ans); err != nil {
		t.Fatal(err)
	}
	if ans.Action != "announce" || ans.PeerID != bob.peerID || ans.ToPeerID != alice.peerID || ans.OfferID != offer.offerID || ans.InfoHash != bob.infoHash {
		t.Fatalf("answer decoded to %+v", ans)
	}
	kind, _, gotSent, err := classify(relay(t, "answer", ans.Answer, ans.OfferID, bob.peerID, bob.infoHash), alice)
	if kind != kindAnswer || err != nil || gotSent != sent {
		t.Fatalf("relayed answer classified %v sent=%v %v, want answer sent=%v", kind, gotSent, err, sent)
	}

	var idle announceIn
	if err := json.Unmarshal(appendAnnounce(nil, alice, "", nil, 0), &idle); err != nil || idle.Numwant != 0 || idle.Offers == nil || len(idle.Offers) != 0 || idle.Event != "" {
		t.Fatalf("announce without offers decoded to %+v, %v", idle, err)
	}
}

// TestClassifyCatchesWrongRelays: every way a tracker can mangle a relay
// is caught and named.
func TestClassifyCatchesWrongRelays(t *testing.T) {
	offerFrom := func(from identity, id string) json.RawMessage {
		var a announceIn
		if err := json.Unmarshal(appendAnnounce(nil, from, "", []string{id}, time.Second), &a); err != nil {
			t.Fatal(err)
		}
		return a.Offers[0].Offer
	}
	answerTo := func(from identity, o offerIn) json.RawMessage {
		var a struct {
			Answer json.RawMessage `json:"answer"`
		}
		if err := json.Unmarshal(appendAnswer(nil, from, o), &a); err != nil {
			t.Fatal(err)
		}
		return a.Answer
	}
	const id = "offer0000000000000001"
	aliceOffer := offerFrom(alice, id)
	carolOffer := offerFrom(carol, id)
	bobAnswersAlice := answerTo(bob, offerIn{offerer: alice.peerID, offerID: id, sent: time.Second})
	bobAnswersCarol := answerTo(bob, offerIn{offerer: carol.peerID, offerID: id, sent: time.Second})
	tests := []struct {
		name  string
		frame []byte
		me    identity
		kind  frameKind
		err   error
	}{
		{"reply", []byte(`{"action":"announce","interval":60,"info_hash":"` + bob.infoHash + `","complete":0,"incomplete":2}`), bob, kindReply, nil},
		{"failure", []byte(`{"action":"announce","failure reason":"rate limit","info_hash":"x"}`), bob, kindFailure, nil},
		{"failure without action", []byte(`{"failure reason":"invalid info_hash"}`), bob, kindFailure, nil},
		{"good offer", relay(t, "offer", aliceOffer, id, alice.peerID, alice.infoHash), bob, kindOffer, nil},
		{"offer with another offer_id", relay(t, "offer", aliceOffer, "offer0000000000000009", alice.peerID, alice.infoHash), bob, kindOffer, errOfferFields},
		{"offer with another peer_id", relay(t, "offer", aliceOffer, id, carol.peerID, alice.infoHash), bob, kindOffer, errOfferFields},
		{"own offer back", relay(t, "offer", aliceOffer, id, alice.peerID, alice.infoHash), alice, kindOffer, errOfferOwn},
		{"offer from another swarm", relay(t, "offer", carolOffer, id, carol.peerID, bob.infoHash), bob, kindOffer, errOfferSwarm},
		{"offer with another info_hash", relay(t, "offer", aliceOffer, id, alice.peerID, carol.infoHash), bob, kindWrong, errWrongInfoHash},
		{"offer with a foreign SDP", relay(t, "offer", json.RawMessage(`{"type":"offer","sdp":"v=0\r\n"}`), id, alice.peerID, alice.infoHash), bob, kindOffer, errMalformedRelay},
		{"offer typed answer", relay(t, "offer", json.RawMessage(`{"type":"answer","sdp":"v=0 trackerload offer a b 0 1"}`), "b", "a", alice.infoHash), bob, kindOffer, errMalformedRelay},
		{"good answer", relay(t, "answer", bobAnswersAlice, id, bob.peerID, alice.infoHash), alice, kindAnswer, nil},
		{"answer with another offer_id", relay(t, "answer", bobAnswersAlice, "offer0000000000000009", bob.peerID, alice.infoHash), alice, kindAnswer, errAnswerFields},
		{"answer with another peer_id", relay(t, "answer", bobAnswersAlice, id, carol.peerID, alice.infoHash), alice, kindAnswer, errAnswerFields},
		{"answer sent to the wrong peer", relay(t, "answer", bobAnswersCarol, id, bob.peerID, alice.infoHash), alice, kindAnswer, errAnswerNotOurs},
		{"answer with a negative time", relay(t, "answer", json.RawMessage(`{"type":"answer","sdp":"v=0 trackerload answer b o a -5"}`), "o", "b", alice.infoHash), alice, kindAnswer, errMalformedRelay},
		{"scrape reply", []byte(`{"action":"scrape","files":{}}`), bob, kindWrong, errBadAction},
		{"not JSON", []byte(`{"action":`), bob, kindWrong, errNotJSON},
		{"JSON array", []byte(`[]`), bob, kindWrong, errNotJSON},
	}
	for _, tt := range tests {
		kind, _, _, err := classify(tt.frame, tt.me)
		if kind != tt.kind || !errors.Is(err, tt.err) {
			t.Errorf("%s: classify = %v, %v; want %v, %v", tt.name, kind, err, tt.kind, tt.err)
		}
	}
}
