package main

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"
)

// The load's frames are built by appending: the load generator shares the
// machine with the tracker, and every microsecond it spends on
// encoding/json's reflection is one the tracker does not get. All strings
// it puts in them (peer ids, offer ids, info hashes, SDPs) are ASCII
// letters, digits, '+', '/', '=', '-' and spaces: nothing JSON escapes.
//
// The SDPs say who sent what, so the receiver can check what the tracker
// relayed without any shared state:
//
//	offer:  "v=0 trackerload offer <offerer peer_id> <offer_id> <swarm> <sent>"
//	answer: "v=0 trackerload answer <answerer peer_id> <offer_id> <offerer peer_id> <sent>"
//
// <sent> is when the offer was announced, in nanoseconds since clockBase
// (monotonic); the answer echoes it so the offerer gets the round trip.

// clockBase is the origin of the <sent> times.
var clockBase = time.Now()

func sinceBase() time.Duration { return time.Since(clockBase) }

// identity is what a load peer knows about itself.
type identity struct {
	peerID   string
	infoHash string
	swarm    int
}

// offerIn is one offer the tracker relayed to us.
type offerIn struct {
	offerer, offerID string
	sent             time.Duration // echoed in our answer
}

// appendAnnounce appends an announce with the given offer ids (may be
// none) and event ("" for a periodic one).
func appendAnnounce(b []byte, me identity, event string, offerIDs []string, sent time.Duration) []byte {
	b = append(b, `{"action":"announce","info_hash":"`...)
	b = append(b, me.infoHash...)
	b = append(b, `","peer_id":"`...)
	b = append(b, me.peerID...)
	b = append(b, `","numwant":`...)
	b = strconv.AppendInt(b, int64(len(offerIDs)), 10)
	b = append(b, `,"uploaded":0,"downloaded":0`...)
	if event != "" {
		b = append(b, `,"event":"`...)
		b = append(b, event...)
		b = append(b, '"')
	}
	b = append(b, `,"offers":[`...)
	for i, id := range offerIDs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"offer":{"type":"offer","sdp":"v=0 trackerload offer `...)
		b = append(b, me.peerID...)
		b = append(b, ' ')
		b = append(b, id...)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(me.swarm), 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(sent), 10)
		b = append(b, `"},"offer_id":"`...)
		b = append(b, id...)
		b = append(b, `"}`...)
	}
	return append(b, "]}"...)
}

// appendAnswer appends our answer to a relayed offer, echoing its send time.
func appendAnswer(b []byte, me identity, o offerIn) []byte {
	b = append(b, `{"action":"announce","info_hash":"`...)
	b = append(b, me.infoHash...)
	b = append(b, `","peer_id":"`...)
	b = append(b, me.peerID...)
	b = append(b, `","to_peer_id":"`...)
	b = append(b, o.offerer...)
	b = append(b, `","offer_id":"`...)
	b = append(b, o.offerID...)
	b = append(b, `","answer":{"type":"answer","sdp":"v=0 trackerload answer `...)
	b = append(b, me.peerID...)
	b = append(b, ' ')
	b = append(b, o.offerID...)
	b = append(b, ' ')
	b = append(b, o.offerer...)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(o.sent), 10)
	return append(b, `"}}`...)
}

// wireIn is any frame a tracker sends.
type wireIn struct {
	Action   string       `json:"action"`
	Offer    *sessionDesc `json:"offer"`
	Answer   *sessionDesc `json:"answer"`
	OfferID  string       `json:"offer_id"`
	PeerID   string       `json:"peer_id"`
	InfoHash string       `json:"info_hash"`
	Failure  *string      `json:"failure reason"`
}

type sessionDesc struct {
	Type string `json:"type"`
	SDP  string `json:"sdp"`
}

// frameKind is what a received frame turned out to be.
type frameKind int

const (
	kindReply   frameKind = iota // the reply to our announce
	kindOffer                    // an offer relayed to us
	kindAnswer                   // an answer to one of our offers
	kindFailure                  // a failure reason
	kindWrong                    // anything a correct tracker never sends us
)

// Reasons a frame is wrong; a fixed set, so the report can count them.
var (
	errNotJSON        = errors.New("not a JSON object")
	errBadAction      = errors.New("action is not announce")
	errWrongInfoHash  = errors.New("info_hash is not our swarm's")
	errOfferFields    = errors.New("offer relayed with another peer_id or offer_id than its sender's")
	errOfferOwn       = errors.New("our own offer relayed back to us")
	errOfferSwarm     = errors.New("offer from a peer of another swarm")
	errAnswerFields   = errors.New("answer relayed with another peer_id or offer_id than its sender's")
	errAnswerNotOurs  = errors.New("answer to an offer we did not make")
	errMalformedRelay = errors.New("relayed SDP is not one the load sent")
)

// classify decodes a tracker frame for peer me and checks it. For an offer
// it returns what to answer; for an answer, the offer's send time.
func classify(data []byte, me identity) (frameKind, offerIn, time.Duration, error) {
	var in wireIn
	if err := json.Unmarshal(data, &in); err != nil {
		return kindWrong, offerIn{}, 0, errNotJSON
	}
	if in.Failure != nil {
		return kindFailure, offerIn{}, 0, nil
	}
	if in.Action != "announce" {
		return kindWrong, offerIn{}, 0, errBadAction
	}
	if in.InfoHash != me.infoHash {
		return kindWrong, offerIn{}, 0, errWrongInfoHash
	}
	switch {
	case in.Offer != nil:
		o, err := checkOffer(in, me)
		return kindOffer, o, 0, err
	case in.Answer != nil:
		sent, err := checkAnswer(in, me)
		return kindAnswer, offerIn{}, sent, err
	}
	return kindReply, offerIn{}, 0, nil
}

func checkOffer(in wireIn, me identity) (offerIn, error) {
	f := strings.Fields(in.Offer.SDP)
	if in.Offer.Type != "offer" || len(f) != 7 || f[0] != "v=0" || f[1] != "trackerload" || f[2] != "offer" {
		return offerIn{}, errMalformedRelay
	}
	o := offerIn{offerer: f[3], offerID: f[4]}
	if !isLoadID(o.offerer) || !isLoadID(o.offerID) {
		// not ours; and our answer copies them into JSON unescaped
		return o, errMalformedRelay
	}
	switch {
	case o.offerer != in.PeerID || o.offerID != in.OfferID:
		return o, errOfferFields
	case o.offerer == me.peerID:
		return o, errOfferOwn
	case f[5] != strconv.Itoa(me.swarm):
		return o, errOfferSwarm
	}
	sent, err := strconv.ParseInt(f[6], 10, 64)
	if err != nil || sent < 0 {
		return o, errMalformedRelay
	}
	o.sent = time.Duration(sent)
	return o, nil
}

// isLoadID accepts what the load uses as peer_id and offer_id: 1 to 64
// ASCII letters, digits and '-'.
func isLoadID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func checkAnswer(in wireIn, me identity) (time.Duration, error) {
	f := strings.Fields(in.Answer.SDP)
	if in.Answer.Type != "answer" || len(f) != 7 || f[0] != "v=0" || f[1] != "trackerload" || f[2] != "answer" {
		return 0, errMalformedRelay
	}
	sent, err := strconv.ParseInt(f[6], 10, 64)
	if err != nil || sent < 0 {
		return 0, errMalformedRelay
	}
	switch {
	case f[3] != in.PeerID || f[4] != in.OfferID:
		return 0, errAnswerFields
	case f[5] != me.peerID:
		return 0, errAnswerNotOurs
	}
	return time.Duration(sent), nil
}
