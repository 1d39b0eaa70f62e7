package tracker

import (
	"errors"
	"unicode/utf8"
)

// idLen is the length in bytes of info_hash, peer_id and offer_id.
const idLen = 20

var (
	errNotLatin1 = errors.New("not a latin1 binary string")
	errIDLength  = errors.New("must be 20 bytes")
)

// decodeBinary turns a JSON string of a WebTorrent binary string (one rune
// per byte) into its bytes, as a Go string of exactly 20 bytes.
func decodeBinary(s string) (string, error) {
	if len(s) < idLen || len(s) > 2*idLen {
		// every rune <= U+00FF takes 1 or 2 bytes of UTF-8
		return "", errIDLength
	}
	var b [idLen]byte
	n := 0
	for _, r := range s {
		if r > 0xFF || r == utf8.RuneError {
			return "", errNotLatin1
		}
		if n == idLen {
			return "", errIDLength
		}
		b[n] = byte(r)
		n++
	}
	if n != idLen {
		return "", errIDLength
	}
	return string(b[:]), nil
}

// encodeBinary turns bytes into the string whose runes are those bytes,
// ready to be JSON-encoded.
func encodeBinary(b string) string {
	ascii := true
	for i := 0; i < len(b); i++ {
		if b[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return b
	}
	out := make([]byte, 0, 2*len(b))
	for i := 0; i < len(b); i++ {
		out = utf8.AppendRune(out, rune(b[i]))
	}
	return string(out)
}

// DecodeID turns a peer_id, info_hash or offer_id as a client sends it in
// JSON (a 20-character latin1 binary string) into the 20-byte key the
// tracker uses, so other services (pingback) name peers the same way.
func DecodeID(s string) (string, error) { return decodeBinary(s) }
