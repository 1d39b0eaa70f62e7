package tracker

// The encoding/json frame decoder the tracker used before its hand-written
// scanner, kept as the reference FuzzDecodeFrame compares the scanner with:
// both must accept and reject the same frames and decode the same values.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
)

// wireFrameStd is a client frame as JSON; unknown fields are ignored because
// clients add their own (bittorrent-tracker's "trackerid", custom announce
// options), but every field read is type-checked.
type wireFrameStd struct {
	Action     *string         `json:"action"`
	InfoHash   json.RawMessage `json:"info_hash"`
	PeerID     *string         `json:"peer_id"`
	ToPeerID   *string         `json:"to_peer_id"`
	OfferID    *string         `json:"offer_id"`
	Answer     json.RawMessage `json:"answer"`
	Offers     json.RawMessage `json:"offers"`
	Event      *string         `json:"event"`
	Numwant    *float64        `json:"numwant"`
	Uploaded   *float64        `json:"uploaded"`
	Downloaded *float64        `json:"downloaded"`
	Left       *float64        `json:"left"`
}

type sdpObjectStd struct {
	Type *string `json:"type"`
	SDP  *string `json:"sdp"`
}

// decodeFrameStd parses and validates one client frame. maxOffers bounds the
// offers of an announce (more is an error wrapping errTooManyOffers).
func decodeFrameStd(data []byte, maxOffers int) (*frame, error) {
	var w wireFrameStd
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&w); err != nil {
		return nil, fmt.Errorf("%w: %v", errFrame, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: trailing data", errFrame)
	}
	if w.Action == nil {
		return nil, fmt.Errorf("%w: no action", errFrame)
	}
	f := &frame{action: *w.Action}
	switch f.action {
	case actionScrape:
		return f, decodeScrapeStd(f, &w)
	case actionAnnounce:
		return f, decodeAnnounceStd(f, &w, maxOffers)
	}
	return f, errUnknownAction
}

func decodeScrapeStd(f *frame, w *wireFrameStd) error {
	raw := bytes.TrimSpace(w.InfoHash)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil // scrape everything
	}
	var list []string
	if raw[0] == '[' {
		if err := json.Unmarshal(raw, &list); err != nil {
			return fmt.Errorf("%w: info_hash: %v", errFrame, err)
		}
		if len(list) > maxScrapeHashes {
			return fmt.Errorf("%w: more than %d info_hash", errFrame, maxScrapeHashes)
		}
	} else {
		var one string
		if err := json.Unmarshal(raw, &one); err != nil {
			return fmt.Errorf("%w: info_hash: %v", errFrame, err)
		}
		list = []string{one}
	}
	for _, s := range list {
		ih, err := decodeBinary(s)
		if err != nil {
			return fmt.Errorf("%w: info_hash: %v", errFrame, err)
		}
		f.infoHashes = append(f.infoHashes, ih)
	}
	return nil
}

func decodeAnnounceStd(f *frame, w *wireFrameStd, maxOffers int) error {
	var ihs string
	if err := json.Unmarshal(w.InfoHash, &ihs); err != nil {
		return fmt.Errorf("%w: info_hash must be a string", errFrame)
	}
	ih, err := decodeBinary(ihs)
	if err != nil {
		return fmt.Errorf("%w: info_hash: %v", errFrame, err)
	}
	f.infoHashes = []string{ih}
	if w.PeerID == nil {
		return fmt.Errorf("%w: no peer_id", errFrame)
	}
	if f.peerID, err = decodeBinary(*w.PeerID); err != nil {
		return fmt.Errorf("%w: peer_id: %v", errFrame, err)
	}
	if w.Answer != nil {
		return decodeAnswerStd(f, w)
	}
	if w.Event != nil {
		switch *w.Event {
		case eventStarted, eventStopped, eventCompleted, eventUpdate, "":
			f.event = *w.Event
		default:
			return fmt.Errorf("%w: unknown event", errFrame)
		}
	}
	for _, n := range []struct {
		v    *float64
		dst  *float64
		name string
	}{{w.Uploaded, &f.uploaded, "uploaded"}, {w.Downloaded, &f.downloaded, "downloaded"}, {w.Left, &f.left, "left"}} {
		if n.v == nil {
			continue
		}
		if math.IsNaN(*n.v) || math.IsInf(*n.v, 0) || *n.v < 0 {
			return fmt.Errorf("%w: %s must be a non-negative number", errFrame, n.name)
		}
		*n.dst = *n.v
	}
	f.hasLeft = w.Left != nil
	f.numwant = -1 // absent: as many as offers
	if w.Numwant != nil {
		if *w.Numwant < 0 || *w.Numwant > 1e6 || *w.Numwant != math.Trunc(*w.Numwant) {
			return fmt.Errorf("%w: numwant must be a small non-negative integer", errFrame)
		}
		f.numwant = int(*w.Numwant)
	}
	return decodeOffersStd(f, w.Offers, maxOffers)
}

func decodeOffersStd(f *frame, raw json.RawMessage, maxOffers int) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil
	}
	var list []struct {
		Offer   json.RawMessage `json:"offer"`
		OfferID *string         `json:"offer_id"`
	}
	if err := json.Unmarshal(raw, &list); err != nil {
		return fmt.Errorf("%w: offers: %v", errFrame, err)
	}
	if len(list) > maxOffers {
		return fmt.Errorf("%w: %d offers, at most %d", errTooManyOffers, len(list), maxOffers)
	}
	for i, o := range list {
		if o.OfferID == nil {
			return fmt.Errorf("%w: offers[%d]: no offer_id", errFrame, i)
		}
		id, err := decodeBinary(*o.OfferID)
		if err != nil {
			return fmt.Errorf("%w: offers[%d].offer_id: %v", errFrame, i, err)
		}
		if err := checkSDPStd(o.Offer, "offer"); err != nil {
			return fmt.Errorf("%w: offers[%d].offer: %v", errFrame, i, err)
		}
		f.offers = append(f.offers, offer{id: id, sdp: o.Offer})
	}
	return nil
}

func decodeAnswerStd(f *frame, w *wireFrameStd) error {
	f.isAnswer = true
	if w.ToPeerID == nil || w.OfferID == nil {
		return fmt.Errorf("%w: answer needs to_peer_id and offer_id", errFrame)
	}
	var err error
	if f.toPeerID, err = decodeBinary(*w.ToPeerID); err != nil {
		return fmt.Errorf("%w: to_peer_id: %v", errFrame, err)
	}
	if f.offerID, err = decodeBinary(*w.OfferID); err != nil {
		return fmt.Errorf("%w: offer_id: %v", errFrame, err)
	}
	if err := checkSDPStd(w.Answer, "answer"); err != nil {
		return fmt.Errorf("%w: answer: %v", errFrame, err)
	}
	f.answer = w.Answer
	return nil
}

// checkSDP validates {"type":want,"sdp":"..."} and compacts it in place.
func checkSDPStd(raw json.RawMessage, want string) error {
	var o sdpObjectStd
	if err := json.Unmarshal(raw, &o); err != nil {
		return errors.New("must be an object")
	}
	if o.Type == nil || *o.Type != want {
		return fmt.Errorf("type must be %q", want)
	}
	if o.SDP == nil || len(*o.SDP) == 0 || len(*o.SDP) > maxSDPBytes {
		return fmt.Errorf("sdp must be 1..%d bytes", maxSDPBytes)
	}
	return nil
}
