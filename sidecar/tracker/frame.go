package tracker

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Actions of the WebTorrent tracker protocol.
const (
	actionAnnounce = "announce"
	actionScrape   = "scrape"
)

// Announce events; "" is a periodic announce.
const (
	eventStarted   = "started"
	eventStopped   = "stopped"
	eventCompleted = "completed"
	eventUpdate    = "update"
)

// maxScrapeHashes bounds the info_hash list of one scrape.
const maxScrapeHashes = 100

// maxSDPBytes bounds one offer or answer SDP (the frame limit bounds the total).
const maxSDPBytes = 32 << 10

var (
	// errFrame wraps every decoding failure: the client sent a malformed frame.
	errFrame         = errors.New("invalid frame")
	errUnknownAction = errors.New("unknown action")
	errTooManyOffers = errors.New("too many offers")
)

// frame is a decoded, validated client frame. Binary strings hold their
// 20 raw bytes; raw JSON (offers, answer) points into the message.
type frame struct {
	action     string
	infoHashes []string // one for announce; zero (all) or more for scrape
	peerID     string
	event      string
	numwant    int
	uploaded   float64
	downloaded float64
	left       float64
	hasLeft    bool
	offers     []offer
	// answer frames
	isAnswer bool
	toPeerID string
	offerID  string
	answer   json.RawMessage
}

type offer struct {
	id  string
	sdp json.RawMessage // the whole {"type":"offer","sdp":...} object, relayed as is
}

// decodeFrame parses and validates one client frame. maxOffers bounds the
// offers of an announce (more is an error wrapping errTooManyOffers). The
// frame is nil when data is not even a JSON object with an action.
func decodeFrame(data []byte, maxOffers int) (*frame, error) {
	var d frameDecoder
	f := new(frame)
	if ok, err := d.decode(f, data, maxOffers); !ok {
		return nil, err
	} else if err != nil {
		return f, err
	}
	return f, nil
}

// frameDecoder decodes frames into a reused frame; its buffers are kept
// between frames of one read batch.
type frameDecoder struct {
	w   rawFrame
	ids idArena
}

// decode fills f from data. ok is false when data is not a JSON object
// with an action (f is then meaningless); err is the validation failure,
// and f holds what was decoded before it, as the failure reply needs.
func (d *frameDecoder) decode(f *frame, data []byte, maxOffers int) (ok bool, err error) {
	*f = frame{infoHashes: f.infoHashes[:0], offers: f.offers[:0]}
	if err := d.w.parse(data); err != nil {
		return false, fmt.Errorf("%w: %v", errFrame, err)
	}
	if !d.w.action.set {
		return false, fmt.Errorf("%w: no action", errFrame)
	}
	var tmp [16]byte
	action := appendUnquoted(tmp[:0], d.w.action.raw)
	switch string(action) {
	case actionScrape:
		f.action = actionScrape
	case actionAnnounce:
		f.action = actionAnnounce
	default:
		f.action = string(action)
		return true, errUnknownAction
	}
	d.ids.reset()
	if f.action == actionScrape {
		err = d.decodeScrape(f)
	} else {
		err = d.decodeAnnounce(f, maxOffers)
	}
	d.ids.resolve(f)
	return true, err
}

func (d *frameDecoder) decodeScrape(f *frame) error {
	raw := d.w.infoHash.raw
	if !d.w.infoHash.set || isJSONNull(raw) {
		return nil // scrape everything
	}
	if raw[0] != '[' {
		if raw[0] != '"' {
			return fmt.Errorf("%w: info_hash: %v", errFrame, errJSONType)
		}
		if err := d.ids.add(raw[1:len(raw)-1], slotInfoHash); err != nil {
			return fmt.Errorf("%w: info_hash: %v", errFrame, err)
		}
		return nil
	}
	// encoding/json decoded the whole list before any check: a non-string
	// element or a long list fails before any info_hash is kept.
	n := 0
	bad := false
	eachElement(raw, func(kind jsonKind, _ []byte) {
		n++
		bad = bad || kind != jsonString && kind != jsonNull
	})
	if bad {
		return fmt.Errorf("%w: info_hash: %v", errFrame, errJSONType)
	}
	if n > maxScrapeHashes {
		return fmt.Errorf("%w: more than %d info_hash", errFrame, maxScrapeHashes)
	}
	var err error
	eachElement(raw, func(kind jsonKind, v []byte) {
		if err != nil {
			return
		}
		var body []byte // null decodes as "", which is too short
		if kind == jsonString {
			body = v[1 : len(v)-1]
		}
		if e := d.ids.add(body, slotInfoHash); e != nil {
			err = fmt.Errorf("%w: info_hash: %v", errFrame, e)
		}
	})
	return err
}

func (d *frameDecoder) decodeAnnounce(f *frame, maxOffers int) error {
	w := &d.w
	ih := w.infoHash
	if !ih.set || ih.raw[0] != '"' && !isJSONNull(ih.raw) {
		return fmt.Errorf("%w: info_hash must be a string", errFrame)
	}
	var body []byte
	if ih.raw[0] == '"' {
		body = ih.raw[1 : len(ih.raw)-1]
	}
	if err := d.ids.add(body, slotInfoHash); err != nil {
		return fmt.Errorf("%w: info_hash: %v", errFrame, err)
	}
	if !w.peerID.set {
		return fmt.Errorf("%w: no peer_id", errFrame)
	}
	if err := d.ids.add(w.peerID.raw, slotPeerID); err != nil {
		return fmt.Errorf("%w: peer_id: %v", errFrame, err)
	}
	if w.answer.set {
		return d.decodeAnswer(f)
	}
	if w.event.set {
		var tmp [16]byte
		switch ev := appendUnquoted(tmp[:0], w.event.raw); string(ev) {
		case eventStarted:
			f.event = eventStarted
		case eventStopped:
			f.event = eventStopped
		case eventCompleted:
			f.event = eventCompleted
		case eventUpdate:
			f.event = eventUpdate
		case "":
		default:
			return fmt.Errorf("%w: unknown event", errFrame)
		}
	}
	for _, n := range []struct {
		v    *optNumber
		dst  *float64
		name string
	}{{&w.uploaded, &f.uploaded, "uploaded"}, {&w.downloaded, &f.downloaded, "downloaded"}, {&w.left, &f.left, "left"}} {
		if !n.v.set {
			continue
		}
		if n.v.v < 0 {
			return fmt.Errorf("%w: %s must be a non-negative number", errFrame, n.name)
		}
		*n.dst = n.v.v
	}
	f.hasLeft = w.left.set
	f.numwant = -1 // absent: as many as offers
	if w.numwant.set {
		v := w.numwant.v
		if v < 0 || v > 1e6 || v != float64(int64(v)) {
			return fmt.Errorf("%w: numwant must be a small non-negative integer", errFrame)
		}
		f.numwant = int(v)
	}
	return d.decodeOffers(f, maxOffers)
}

func (d *frameDecoder) decodeOffers(f *frame, maxOffers int) error {
	raw, l := d.w.offers.raw, &d.w.offerList
	if !d.w.offers.set || isJSONNull(raw) {
		return nil
	}
	// encoding/json decoded the whole list before any check.
	if raw[0] != '[' || l.wrongType {
		return fmt.Errorf("%w: offers: %v", errFrame, errJSONType)
	}
	if l.n > maxOffers {
		return fmt.Errorf("%w: %d offers, at most %d", errTooManyOffers, l.n, maxOffers)
	}
	for i := range l.n {
		e := &l.elems[i]
		if !e.id.set {
			return fmt.Errorf("%w: offers[%d]: no offer_id", errFrame, i)
		}
		if err := d.ids.add(e.id.raw, slotOfferID); err != nil {
			return fmt.Errorf("%w: offers[%d].offer_id: %v", errFrame, i, err)
		}
		if err := checkSDP(&e.sdp, "offer"); err != nil {
			return fmt.Errorf("%w: offers[%d].offer: %v", errFrame, i, err)
		}
		f.offers = append(f.offers, offer{sdp: e.sdp.raw})
	}
	return nil
}

func (d *frameDecoder) decodeAnswer(f *frame) error {
	f.isAnswer = true
	w := &d.w
	if !w.toPeerID.set || !w.offerID.set {
		return fmt.Errorf("%w: answer needs to_peer_id and offer_id", errFrame)
	}
	if err := d.ids.add(w.toPeerID.raw, slotToPeerID); err != nil {
		return fmt.Errorf("%w: to_peer_id: %v", errFrame, err)
	}
	if err := d.ids.add(w.offerID.raw, slotAnswerOfferID); err != nil {
		return fmt.Errorf("%w: offer_id: %v", errFrame, err)
	}
	if err := checkSDP(&w.answer, "answer"); err != nil {
		return fmt.Errorf("%w: answer: %v", errFrame, err)
	}
	f.answer = w.answer.raw
	return nil
}

// checkSDP validates {"type":want,"sdp":"..."}.
func checkSDP(v *sdpValue, want string) error {
	if !v.set || v.kind != jsonObject && v.kind != jsonNull || v.wrongType {
		return errors.New("must be an object")
	}
	var tmp [16]byte
	if !v.typ.set || string(appendUnquoted(tmp[:0], v.typ.raw)) != want {
		return fmt.Errorf("type must be %q", want)
	}
	if n := decodedLen(v.sdp.raw); !v.sdp.set || n == 0 || n > maxSDPBytes {
		return fmt.Errorf("sdp must be 1..%d bytes", maxSDPBytes)
	}
	return nil
}
