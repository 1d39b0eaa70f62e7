package tracker

import (
	"errors"
	"strconv"
)

// rawFrame is a client frame's top-level object as encoding/json would
// fill the struct the tracker used to decode into: unknown members are
// skipped, a repeated member overwrites, null unsets a string or number,
// and info_hash, answer and offers are kept as raw JSON (null included).
type rawFrame struct {
	action, peerID, toPeerID, offerID, event jsonField // string bodies
	infoHash, offers                         jsonField // raw values
	numwant, uploaded, downloaded, left      optNumber
	// answer and the elements of offers, read as they are scanned so
	// that their SDPs are not scanned again.
	answer    sdpValue
	offerList offerList
}

// sdpValue is a {"type":…,"sdp":…} member as written; type and sdp are
// set when it is an object.
type sdpValue struct {
	set       bool
	kind      jsonKind
	raw       []byte
	typ, sdp  jsonField
	wrongType bool // type or sdp is neither a string nor null
}

// offerList is the "offers" array: how many elements, whether one has the
// wrong type (not an object or null, or an offer_id that is no string),
// and the first maxOffersLimit of them.
type offerList struct {
	n         int
	wrongType bool
	elems     [maxOffersLimit]offerElem
}

type offerElem struct {
	sdp sdpValue
	id  jsonField
}

// maxOffersLimit is the largest Config.MaxOffers.
const maxOffersLimit = 10

// jsonField is a member that was present (and, for strings, not null).
type jsonField struct {
	set bool
	raw []byte
}

// setString takes a string member's body; null unsets it.
func (f *jsonField) setString(kind jsonKind, v []byte) error {
	switch kind {
	case jsonString:
		*f = jsonField{set: true, raw: v[1 : len(v)-1]}
	case jsonNull:
		*f = jsonField{}
	default:
		return errJSONType
	}
	return nil
}

type optNumber struct {
	set bool
	v   float64
}

func (n *optNumber) setNumber(kind jsonKind, v []byte) error {
	switch kind {
	case jsonNumber:
		f, err := parseJSONNumber(v)
		if err != nil {
			return errJSONType // out of float64's range
		}
		*n = optNumber{set: true, v: f}
	case jsonNull:
		*n = optNumber{}
	default:
		return errJSONType
	}
	return nil
}

// parseJSONNumber converts a valid JSON number; short integers, which is
// what clients send, skip strconv.
func parseJSONNumber(v []byte) (float64, error) {
	if len(v) <= 15 {
		n := int64(0)
		i := 0
		for ; i < len(v) && v[i] >= '0' && v[i] <= '9'; i++ {
			n = n*10 + int64(v[i]-'0')
		}
		if i == len(v) {
			return float64(n), nil
		}
	}
	return strconv.ParseFloat(string(v), 64)
}

var errTrailing = errors.New("data after the frame's object")

// parse reads data: one JSON object, then nothing but white space (or, as
// json.Decoder.More allows, a stray ']' or '}').
func (w *rawFrame) parse(data []byte) error {
	*w = rawFrame{}
	s := jsonScanner{data: data}
	if err := s.enter('{'); err != nil {
		return err
	}
	var typeErr error
	for first := true; ; first = false {
		more, err := s.more('}', first)
		if err != nil {
			return err
		}
		if !more {
			break
		}
		k, err := s.key()
		if err != nil {
			return err
		}
		switch name := memberName(k); name {
		case "answer":
			err = w.answer.scan(&s)
		case "offers":
			err = w.scanOffers(&s)
		default:
			var kind jsonKind
			var v []byte
			if kind, v, err = s.value(); err == nil {
				if e := w.set(name, kind, v); e != nil {
					typeErr = e
				}
			}
		}
		if err != nil {
			return err
		}
	}
	if c := s.peek(); s.pos < len(data) && c != ']' && c != '}' {
		return errTrailing
	}
	return typeErr
}

// scan reads a value that should be {"type":…,"sdp":…}.
func (v *sdpValue) scan(s *jsonScanner) error {
	*v = sdpValue{set: true}
	if s.peek() != '{' {
		kind, raw, err := s.value()
		v.kind, v.raw = kind, raw
		return err
	}
	start := s.pos
	v.kind = jsonObject
	if err := s.enter('{'); err != nil {
		return err
	}
	for first := true; ; first = false {
		more, err := s.more('}', first)
		if err != nil {
			return err
		}
		if !more {
			break
		}
		k, err := s.key()
		if err != nil {
			return err
		}
		kind, raw, err := s.value()
		if err != nil {
			return err
		}
		var e error
		switch {
		case keyIs(k, "type"):
			e = v.typ.setString(kind, raw)
		case keyIs(k, "sdp"):
			e = v.sdp.setString(kind, raw)
		}
		v.wrongType = v.wrongType || e != nil
	}
	v.raw = s.data[start:s.pos]
	return nil
}

// scanOffers reads the "offers" member.
func (w *rawFrame) scanOffers(s *jsonScanner) error {
	l := &w.offerList
	*l = offerList{}
	if s.peek() != '[' {
		kind, raw, err := s.value()
		w.offers = jsonField{set: true, raw: raw}
		l.wrongType = kind != jsonNull
		return err
	}
	start := s.pos
	if err := s.enter('['); err != nil {
		return err
	}
	for first := true; ; first = false {
		more, err := s.more(']', first)
		if err != nil {
			return err
		}
		if !more {
			break
		}
		var e offerElem
		switch s.peek() {
		case '{':
			err = e.scan(s, &l.wrongType)
		case 'n':
			err = s.literal("null")
		default:
			_, _, err = s.value()
			l.wrongType = true
		}
		if err != nil {
			return err
		}
		if l.n < len(l.elems) {
			l.elems[l.n] = e
		}
		l.n++
	}
	w.offers = jsonField{set: true, raw: s.data[start:s.pos]}
	return nil
}

// scan reads one element of "offers": {"offer":{…},"offer_id":"…"}.
func (e *offerElem) scan(s *jsonScanner, wrongType *bool) error {
	if err := s.enter('{'); err != nil {
		return err
	}
	for first := true; ; first = false {
		more, err := s.more('}', first)
		if err != nil {
			return err
		}
		if !more {
			return nil
		}
		k, err := s.key()
		if err != nil {
			return err
		}
		switch {
		case keyIs(k, "offer"):
			err = e.sdp.scan(s)
		case keyIs(k, "offer_id"):
			var kind jsonKind
			var raw []byte
			if kind, raw, err = s.value(); err == nil && e.id.setString(kind, raw) != nil {
				*wrongType = true
			}
		default:
			_, _, err = s.value()
		}
		if err != nil {
			return err
		}
	}
}

// Members of rawFrame, by name.
var frameFields = []string{"action", "info_hash", "peer_id", "to_peer_id", "offer_id", "answer", "offers", "event",
	"numwant", "uploaded", "downloaded", "left"}

// memberName is the rawFrame member k names, or "".
func memberName(k []byte) string {
	switch string(k) { // compared, not allocated
	case "action":
		return "action"
	case "info_hash":
		return "info_hash"
	case "peer_id":
		return "peer_id"
	case "offers":
		return "offers"
	case "offer_id":
		return "offer_id"
	case "to_peer_id":
		return "to_peer_id"
	case "answer":
		return "answer"
	}
	return foldedField(k)
}

func (w *rawFrame) set(name string, kind jsonKind, v []byte) error {
	switch name {
	case "action":
		return w.action.setString(kind, v)
	case "info_hash":
		w.infoHash = jsonField{set: true, raw: v}
	case "peer_id":
		return w.peerID.setString(kind, v)
	case "to_peer_id":
		return w.toPeerID.setString(kind, v)
	case "offer_id":
		return w.offerID.setString(kind, v)
	case "event":
		return w.event.setString(kind, v)
	case "numwant":
		return w.numwant.setNumber(kind, v)
	case "uploaded":
		return w.uploaded.setNumber(kind, v)
	case "downloaded":
		return w.downloaded.setNumber(kind, v)
	case "left":
		return w.left.setNumber(kind, v)
	}
	return nil
}

// foldedField is the member a name not written exactly matches, or "".
func foldedField(k []byte) string {
	for _, f := range frameFields {
		if keyIs(k, f) {
			return f
		}
	}
	return ""
}

func isJSONNull(raw []byte) bool { return string(raw) == "null" }

// eachElement calls fn for every element of the valid JSON array raw.
func eachElement(raw []byte, fn func(kind jsonKind, v []byte)) {
	s := jsonScanner{data: raw}
	if s.enter('[') != nil {
		return
	}
	for first := true; ; first = false {
		if more, err := s.more(']', first); !more || err != nil {
			return
		}
		kind, v, err := s.value()
		if err != nil {
			return
		}
		fn(kind, v)
	}
}
