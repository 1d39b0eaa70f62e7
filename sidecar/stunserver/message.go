package stunserver

import (
	"encoding/binary"

	"github.com/pion/stun/v3"
)

// Sizes from RFC 8489 §5 and §14, and our own bounds.
const (
	headerSize      = 20
	magicCookie     = 0x2112A442
	attrHeaderSize  = 4
	fingerprintSize = attrHeaderSize + 4

	// maxRequest is the largest request read: the UDP payload of a
	// 1500-byte IPv4 packet. Real Binding requests are 20 to ~150 bytes.
	maxRequest = 1472
	// maxAttributes bounds the attributes of one request; an ICE check,
	// the busiest real request, has about eight.
	maxAttributes = 64
	// maxUnknownListed bounds UNKNOWN-ATTRIBUTES in a 420 reply.
	maxUnknownListed = 16
	// maxResponse is the reply buffer: a success reply with the largest
	// SOFTWARE (127 four-byte characters) and FINGERPRINT is 564 bytes.
	maxResponse = 1024
)

// padded rounds an attribute value length up to the 4-byte boundary.
func padded(n int) int { return (n + 3) &^ 3 }

// checkFraming does, without allocating, every check that pion's Decode
// would fail on (so Decode never builds an error), and RFC 8489 §6.3's
// "is this STUN" checks. It returns outSuccess when b is well formed.
func checkFraming(b []byte) outcome {
	if len(b) > maxRequest {
		return dropTooBig
	}
	if len(b) < headerSize || b[0]&0xC0 != 0 || binary.BigEndian.Uint32(b[4:8]) != magicCookie {
		return dropNotSTUN
	}
	n := int(binary.BigEndian.Uint16(b[2:4]))
	if n%4 != 0 || headerSize+n != len(b) {
		return dropMalformed
	}
	rest := b[headerSize:]
	for count := 0; len(rest) > 0; count++ {
		if count == maxAttributes || len(rest) < attrHeaderSize {
			return dropMalformed
		}
		l := padded(int(binary.BigEndian.Uint16(rest[2:4])))
		if l > len(rest)-attrHeaderSize {
			return dropMalformed
		}
		rest = rest[attrHeaderSize+l:]
	}
	return outSuccess
}

// checkFingerprint verifies FINGERPRINT when the request has one (RFC 8489
// §14.7: it must be the last attribute, 4 bytes, CRC-32 of what precedes
// it XOR 0x5354554e). It reports whether one was present.
func checkFingerprint(m *stun.Message) (present bool, ok bool) {
	last := len(m.Attributes) - 1
	for i, a := range m.Attributes {
		if a.Type != stun.AttrFingerprint {
			continue
		}
		if i != last || len(a.Value) != 4 {
			return true, false
		}
		want := stun.FingerprintValue(m.Raw[:len(m.Raw)-fingerprintSize])
		return true, binary.BigEndian.Uint32(a.Value) == want
	}
	return false, true
}

// understood reports whether this server knows a comprehension-required
// attribute (type below 0x8000), so that a request carrying it gets an
// answer rather than a 420. These are RFC 8489's own attributes and ICE's
// (RFC 8445), whose values a Binding server without credentials ignores.
//
// RFC 5780's CHANGE-REQUEST, RESPONSE-PORT and PADDING are deliberately
// unknown: we have one IP address to change to, and the other two would
// let a request pick where, or how big, our reply is. A client that sends
// them learns from the 420 that this server does not do RFC 5780.
func understood(t stun.AttrType) bool {
	switch t {
	case stun.AttrMappedAddress,
		stun.AttrUsername,
		stun.AttrMessageIntegrity,
		stun.AttrErrorCode,
		stun.AttrUnknownAttributes,
		stun.AttrRealm,
		stun.AttrNonce,
		stun.AttrMessageIntegritySHA256,
		stun.AttrPasswordAlgorithm,
		stun.AttrUserhash,
		stun.AttrXORMappedAddress,
		stun.AttrPriority,
		stun.AttrUseCandidate:
		return true
	}
	return false
}

// unknownRequired collects into dst (deduplicated, at most len(dst)) the
// comprehension-required attributes of m that the server does not
// understand, and returns how many it stored.
func unknownRequired(m *stun.Message, dst []stun.AttrType) int {
	n := 0
next:
	for _, a := range m.Attributes {
		if !a.Type.Required() || understood(a.Type) {
			continue
		}
		for _, seen := range dst[:n] {
			if seen == a.Type {
				continue next
			}
		}
		if n == len(dst) {
			break
		}
		dst[n] = a.Type
		n++
	}
	return n
}
