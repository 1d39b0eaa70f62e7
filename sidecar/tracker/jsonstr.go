package tracker

import (
	"encoding/binary"
	"unicode"
	"unicode/utf8"
)

// Decoding JSON string bodies the way encoding/json does, for the few
// strings the tracker reads (ids, action, event, type) and to measure SDPs
// without copying them.

// jsonStringRunes calls fn for every rune of the JSON string body raw (no
// quotes, already validated), decoded the way encoding/json decodes it:
// escapes resolved, a surrogate pair joined, a lone surrogate or an
// invalid UTF-8 byte turned into U+FFFD. fn returning false stops.
func jsonStringRunes(raw []byte, fn func(r rune) bool) {
	for i := 0; i < len(raw); {
		c := raw[i]
		var r rune
		switch {
		case c == '\\':
			r, i = unescape(raw, i)
		case c < utf8.RuneSelf:
			r = rune(c)
			i++
		default:
			var n int
			r, n = utf8.DecodeRune(raw[i:])
			i += n
		}
		if !fn(r) {
			return
		}
	}
}

// unescape decodes the escape at raw[i] (a backslash) and returns the rune
// and the index after it.
func unescape(raw []byte, i int) (rune, int) {
	switch raw[i+1] {
	case 'b':
		return '\b', i + 2
	case 'f':
		return '\f', i + 2
	case 'n':
		return '\n', i + 2
	case 'r':
		return '\r', i + 2
	case 't':
		return '\t', i + 2
	case 'u':
		r := hex4(raw[i+2:])
		if r < 0xD800 || r > 0xDFFF {
			return r, i + 6
		}
		if r < 0xDC00 && i+12 <= len(raw) && raw[i+6] == '\\' && raw[i+7] == 'u' {
			if lo := hex4(raw[i+8:]); lo >= 0xDC00 && lo <= 0xDFFF {
				return 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00), i + 12
			}
		}
		return utf8.RuneError, i + 6
	}
	return rune(raw[i+1]), i + 2 // '"', '\\', '/'
}

func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	r := rune(0)
	for _, c := range b[:4] {
		v := hexVal(c)
		if v < 0 {
			return -1
		}
		r = r<<4 | v
	}
	return r
}

// appendUnquoted appends the decoded string body raw to dst.
func appendUnquoted(dst, raw []byte) []byte {
	jsonStringRunes(raw, func(r rune) bool {
		dst = utf8.AppendRune(dst, r)
		return true
	})
	return dst
}

// decodedLen is the length in bytes of the decoded string body raw.
// SDPs always hold escapes ("\r\n"), so this is a loop of its own, eight
// bytes at a time through plain ASCII.
func decodedLen(raw []byte) int {
	n := 0
	for i := 0; i < len(raw); {
		if i+8 <= len(raw) {
			w := binary.LittleEndian.Uint64(raw[i:])
			bs := w ^ '\\'*lsb
			if (w|(bs-lsb)&^bs)&msb == 0 { // ASCII, no backslash
				n += 8
				i += 8
				continue
			}
		}
		switch c := raw[i]; {
		case c == '\\':
			var r rune
			r, i = unescape(raw, i)
			n += utf8.RuneLen(r)
		case c < utf8.RuneSelf:
			n++
			i++
		default:
			r, size := utf8.DecodeRune(raw[i:])
			if r == utf8.RuneError && size == 1 {
				n += 3 // decoded as U+FFFD
			} else {
				n += size
			}
			i += size
		}
	}
	return n
}

// keyIs reports whether the member name raw (as written) names field,
// matching the way encoding/json does: exactly, else after case folding
// (so "Info_Hash" and even "info_ha\u017fh" match "info_hash").
func keyIs(raw []byte, field string) bool {
	if string(raw) == field {
		return true
	}
	for _, c := range raw {
		if c == '\\' || c >= utf8.RuneSelf {
			return slowKeyIs(raw, field)
		}
	}
	if len(raw) != len(field) {
		return false
	}
	for i, c := range raw {
		if lowerASCII(c) != lowerASCII(field[i]) {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// slowKeyIs handles names with escapes or non-ASCII runes.
func slowKeyIs(raw []byte, field string) bool {
	i, ok := 0, true
	jsonStringRunes(raw, func(r rune) bool {
		if i >= len(field) || foldRune(r) != foldRune(rune(field[i])) {
			ok = false
			return false
		}
		i++
		return true
	})
	return ok && i == len(field)
}

// foldRune is the smallest rune of r's simple case folding orbit, the key
// encoding/json compares names by.
func foldRune(r rune) rune {
	for {
		next := unicode.SimpleFold(r)
		if next <= r {
			return next
		}
		r = next
	}
}
