package tracker

import (
	"encoding/binary"
	"errors"
)

// A hand-written JSON scanner for client frames. encoding/json took a
// quarter of the tracker's CPU (reflection, a validating pre-pass, then a
// second and third Unmarshal of the offers and SDPs); this scanner makes one
// strict pass without allocating. It accepts exactly the JSON that
// encoding/json accepts (FuzzDecodeFrame checks it against the
// encoding/json decoder kept in the tests), including its quirks: strings
// may hold invalid UTF-8 (it decodes as U+FFFD) and nesting deeper than
// 10,000 levels is an error.

// maxJSONDepth is encoding/json's nesting limit.
const maxJSONDepth = 10000

var (
	errJSONSyntax = errors.New("malformed JSON")
	errJSONDepth  = errors.New("JSON nested too deeply")
	errJSONType   = errors.New("JSON value of the wrong type")
)

type jsonKind uint8

const (
	jsonString jsonKind = iota + 1
	jsonNumber
	jsonObject
	jsonArray
	jsonBool
	jsonNull
)

// jsonScanner walks data; pos is the next unread byte, depth the number of
// objects and arrays the scanner is inside.
type jsonScanner struct {
	data  []byte
	pos   int
	depth int
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (s *jsonScanner) skipSpace() {
	for s.pos < len(s.data) && isJSONSpace(s.data[s.pos]) {
		s.pos++
	}
}

// peek returns the next byte after white space, or 0 at the end.
func (s *jsonScanner) peek() byte {
	s.skipSpace()
	if s.pos < len(s.data) {
		return s.data[s.pos]
	}
	return 0
}

// enter consumes open ('{' or '[') and counts the depth.
func (s *jsonScanner) enter(open byte) error {
	if s.peek() != open {
		return errJSONSyntax
	}
	s.pos++
	if s.depth++; s.depth > maxJSONDepth {
		return errJSONDepth
	}
	return nil
}

// more reports whether another member or element follows in the object or
// array being read (close is '}' or ']'), consuming the separating comma or
// the closing byte. first is true before the first member.
func (s *jsonScanner) more(close byte, first bool) (bool, error) {
	c := s.peek()
	if c == close {
		s.pos++
		s.depth--
		return false, nil
	}
	if first {
		return true, nil
	}
	if c != ',' {
		return false, errJSONSyntax
	}
	s.pos++
	return true, nil
}

// key reads a member name and the colon after it; it returns the name as
// written, without its quotes.
func (s *jsonScanner) key() ([]byte, error) {
	if s.peek() != '"' {
		return nil, errJSONSyntax
	}
	k, err := s.str()
	if err != nil {
		return nil, err
	}
	if s.peek() != ':' {
		return nil, errJSONSyntax
	}
	s.pos++
	return k[1 : len(k)-1], nil
}

// value reads any value and returns its kind and its bytes as written
// (strings with their quotes).
func (s *jsonScanner) value() (jsonKind, []byte, error) {
	c := s.peek()
	start := s.pos
	var kind jsonKind
	var err error
	switch {
	case c == '"':
		kind = jsonString
		_, err = s.str()
	case c == '-' || c >= '0' && c <= '9':
		kind = jsonNumber
		err = s.num()
	case c == '{':
		kind = jsonObject
		err = s.skipComposite()
	case c == '[':
		kind = jsonArray
		err = s.skipComposite()
	case c == 't':
		kind = jsonBool
		err = s.literal("true")
	case c == 'f':
		kind = jsonBool
		err = s.literal("false")
	case c == 'n':
		kind = jsonNull
		err = s.literal("null")
	default:
		err = errJSONSyntax
	}
	return kind, s.data[start:s.pos], err
}

func (s *jsonScanner) literal(want string) error {
	if len(s.data)-s.pos < len(want) || string(s.data[s.pos:s.pos+len(want)]) != want {
		return errJSONSyntax
	}
	s.pos += len(want)
	return nil
}

// num reads a number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *jsonScanner) num() error {
	d := s.data
	i := s.pos
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && d[i] >= '1' && d[i] <= '9':
		i = skipDigits(d, i)
	default:
		return errJSONSyntax
	}
	if i < len(d) && d[i] == '.' {
		if i++; i >= len(d) || d[i] < '0' || d[i] > '9' {
			return errJSONSyntax
		}
		i = skipDigits(d, i)
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			return errJSONSyntax
		}
		i = skipDigits(d, i)
	}
	s.pos = i
	return nil
}

func skipDigits(d []byte, i int) int {
	for i < len(d) && d[i] >= '0' && d[i] <= '9' {
		i++
	}
	return i
}

// SWAR masks: a word has a byte below 0x20, a '"' or a '\\' when
// strSpecial is not zero.
const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

func strSpecial(w uint64) uint64 {
	ctl := (w - 0x20*lsb) &^ w
	q := w ^ '"'*lsb
	bs := w ^ '\\'*lsb
	return (ctl | (q-lsb)&^q | (bs-lsb)&^bs) & msb
}

// str reads a string starting at its opening quote and returns it with
// its quotes. Eight bytes at a time while none is special: SDPs are most
// of a frame's bytes.
func (s *jsonScanner) str() ([]byte, error) {
	d := s.data
	start := s.pos
	i := s.pos + 1
	for {
		for i+8 <= len(d) && strSpecial(binary.LittleEndian.Uint64(d[i:])) == 0 {
			i += 8
		}
		if i >= len(d) {
			return nil, errJSONSyntax
		}
		switch c := d[i]; {
		case c == '"':
			s.pos = i + 1
			return d[start:s.pos], nil
		case c < 0x20:
			return nil, errJSONSyntax
		case c == '\\':
			if i+1 >= len(d) {
				return nil, errJSONSyntax
			}
			switch d[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(d) || !isHex4(d[i+2:i+6]) {
					return nil, errJSONSyntax
				}
				i += 6
			default:
				return nil, errJSONSyntax
			}
		default:
			i++
		}
	}
}

func isHex4(b []byte) bool {
	for _, c := range b[:4] {
		if hexVal(c) < 0 {
			return false
		}
	}
	return true
}

func hexVal(c byte) rune {
	switch {
	case c >= '0' && c <= '9':
		return rune(c - '0')
	case c >= 'a' && c <= 'f':
		return rune(c - 'a' + 10)
	case c >= 'A' && c <= 'F':
		return rune(c - 'A' + 10)
	}
	return -1
}

// skipComposite validates an object or array without recursion: a bit
// per open level says object (1) or array (0); levels past 64 (never seen
// from a real client) spill into a slice.
func (s *jsonScanner) skipComposite() error {
	var kinds levelKinds
	base := s.depth
	for {
		// A value is expected here.
		switch c := s.peek(); c {
		case '{', '[':
			s.pos++
			if s.depth++; s.depth > maxJSONDepth {
				return errJSONDepth
			}
			kinds.set(s.depth-base-1, c == '{')
			if c == '{' {
				if s.peek() == '}' {
					s.pos++
					s.depth--
					break
				}
				if _, err := s.key(); err != nil {
					return err
				}
				continue
			}
			if s.peek() == ']' {
				s.pos++
				s.depth--
				break
			}
			continue
		default:
			if _, _, err := s.value(); err != nil {
				return err
			}
		}
		// After a value: a separator, or the end of levels.
		for {
			if s.depth == base {
				return nil
			}
			isObject := kinds.get(s.depth - base - 1)
			c := s.peek()
			if c == ',' {
				s.pos++
				if isObject {
					if _, err := s.key(); err != nil {
						return err
					}
				}
				break
			}
			if isObject && c == '}' || !isObject && c == ']' {
				s.pos++
				s.depth--
				continue
			}
			return errJSONSyntax
		}
	}
}

// levelKinds is a bit stack: is the open level i an object?
type levelKinds struct {
	low  uint64
	deep []uint64
}

func (k *levelKinds) set(i int, object bool) {
	w := &k.low
	if i >= 64 {
		for len(k.deep) <= i/64-1 {
			k.deep = append(k.deep, 0)
		}
		w = &k.deep[i/64-1]
	}
	if object {
		*w |= 1 << (i % 64)
	} else {
		*w &^= 1 << (i % 64)
	}
}

func (k *levelKinds) get(i int) bool {
	w := k.low
	if i >= 64 {
		w = k.deep[i/64-1]
	}
	return w&(1<<(i%64)) != 0
}
