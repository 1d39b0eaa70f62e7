package tracker

import "unicode/utf8"

// idSlot says where a decoded binary id goes in the frame.
type idSlot uint8

const (
	slotInfoHash idSlot = iota
	slotPeerID
	slotToPeerID
	slotAnswerOfferID
	slotOfferID // the next offer's id
)

// idArena collects a frame's binary ids so that they become Go strings
// with one allocation per frame instead of one per id.
type idArena struct {
	buf   []byte
	slots []idSlot
}

func (a *idArena) reset() {
	a.buf, a.slots = a.buf[:0], a.slots[:0]
}

// add decodes the JSON string body raw as a 20-character latin1 binary
// string (see decodeBinary) and keeps its bytes for slot.
func (a *idArena) add(raw []byte, slot idSlot) error {
	start := len(a.buf)
	n := 0
	for i := 0; i < len(raw); {
		r := rune(raw[i])
		switch {
		case r == '\\':
			r, i = unescape(raw, i)
		case r < utf8.RuneSelf:
			i++
		default:
			var size int
			r, size = utf8.DecodeRune(raw[i:])
			i += size
		}
		switch {
		case r > 0xFF || r == utf8.RuneError:
			a.buf = a.buf[:start]
			return errNotLatin1
		case n == idLen:
			a.buf = a.buf[:start]
			return errIDLength
		}
		a.buf = append(a.buf, byte(r))
		n++
	}
	if n != idLen {
		a.buf = a.buf[:start]
		return errIDLength
	}
	a.slots = append(a.slots, slot)
	return nil
}

// resolve sets the frame's id fields from the arena.
func (a *idArena) resolve(f *frame) {
	if len(a.slots) == 0 {
		return
	}
	ids := string(a.buf)
	offer := 0
	for i, slot := range a.slots {
		id := ids[i*idLen : (i+1)*idLen]
		switch slot {
		case slotInfoHash:
			f.infoHashes = append(f.infoHashes, id)
		case slotPeerID:
			f.peerID = id
		case slotToPeerID:
			f.toPeerID = id
		case slotAnswerOfferID:
			f.offerID = id
		case slotOfferID:
			if offer < len(f.offers) { // an offer whose SDP failed keeps no id
				f.offers[offer].id = id
			}
			offer++
		}
	}
}
