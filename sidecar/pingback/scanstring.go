package pingback

import (
	"bytes"
	"unicode/utf16"
	"unicode/utf8"
)

// maxKeyLen bounds field names: every known one is shorter.
const maxKeyLen = 32

// str reads a string value of at most max bytes (after unescaping).
func (s *scanner) str(max int) (string, error) {
	b, err := s.strBytes(max)
	return string(b), err
}

// strBytes is str without the copy when the string has no escapes: the
// result may alias the input.
func (s *scanner) strBytes(max int) ([]byte, error) {
	if !s.eat('"') {
		return nil, s.errorf("want a string, got %s", s.describe())
	}
	start := s.i
	// Fast path: up to the next quote only printable ASCII, the common
	// case, which needs no copy.
	if end := bytes.IndexByte(s.b[start:], '"'); end >= 0 && end <= max {
		v := s.b[start : start+end]
		plain := true
		for _, c := range v {
			if c < 0x20 || c == '\\' || c >= utf8.RuneSelf {
				plain = false
				break
			}
		}
		if plain {
			s.i = start + end + 1
			return v, nil
		}
	}
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			v := s.b[start:s.i]
			if len(v) > max {
				return nil, s.errorf("string longer than %d bytes", max)
			}
			s.i++
			return v, nil
		case c == '\\':
			return s.strEscaped(start, max)
		case c < 0x20:
			return nil, s.errorf("control character in a string")
		case c < utf8.RuneSelf:
			s.i++
		default:
			r, n := utf8.DecodeRune(s.b[s.i:])
			if r == utf8.RuneError && n <= 1 {
				return nil, s.errorf("invalid UTF-8 in a string")
			}
			s.i += n
		}
		if s.i-start > max {
			return nil, s.errorf("string longer than %d bytes", max)
		}
	}
	return nil, s.errorf("unterminated string")
}

// strEscaped finishes a string that has escapes, from its first backslash.
func (s *scanner) strEscaped(start, max int) ([]byte, error) {
	out := make([]byte, 0, s.i-start+16)
	out = append(out, s.b[start:s.i]...)
	for s.i < len(s.b) {
		if len(out) > max {
			return nil, s.errorf("string longer than %d bytes", max)
		}
		c := s.b[s.i]
		switch {
		case c == '"':
			if len(out) > max {
				return nil, s.errorf("string longer than %d bytes", max)
			}
			s.i++
			return out, nil
		case c == '\\':
			r, err := s.escape()
			if err != nil {
				return nil, err
			}
			out = utf8.AppendRune(out, r)
		case c < 0x20:
			return nil, s.errorf("control character in a string")
		case c < utf8.RuneSelf:
			out = append(out, c)
			s.i++
		default:
			r, n := utf8.DecodeRune(s.b[s.i:])
			if r == utf8.RuneError && n <= 1 {
				return nil, s.errorf("invalid UTF-8 in a string")
			}
			out = append(out, s.b[s.i:s.i+n]...)
			s.i += n
		}
	}
	return nil, s.errorf("unterminated string")
}

// escape reads one backslash escape and returns its rune.
func (s *scanner) escape() (rune, error) {
	if s.i+1 >= len(s.b) {
		return 0, s.errorf("unterminated escape")
	}
	c := s.b[s.i+1]
	s.i += 2
	switch c {
	case '"', '\\', '/':
		return rune(c), nil
	case 'b':
		return '\b', nil
	case 'f':
		return '\f', nil
	case 'n':
		return '\n', nil
	case 'r':
		return '\r', nil
	case 't':
		return '\t', nil
	case 'u':
		r, ok := s.hex4()
		if !ok {
			return 0, s.errorf("invalid \\u escape")
		}
		if !utf16.IsSurrogate(r) {
			return r, nil
		}
		// A high surrogate must be followed by an escaped low one.
		if s.i+1 < len(s.b) && s.b[s.i] == '\\' && s.b[s.i+1] == 'u' {
			s.i += 2
			if lo, ok := s.hex4(); ok {
				if pair := utf16.DecodeRune(r, lo); pair != utf8.RuneError {
					return pair, nil
				}
			}
		}
		return 0, s.errorf("lone surrogate in a \\u escape")
	}
	return 0, s.errorf("invalid escape \\%c", c)
}

func (s *scanner) hex4() (rune, bool) {
	if s.i+4 > len(s.b) {
		return 0, false
	}
	var r rune
	for _, c := range s.b[s.i : s.i+4] {
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(d)
	}
	s.i += 4
	return r, true
}
