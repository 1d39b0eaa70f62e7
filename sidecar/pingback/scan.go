package pingback

import (
	"fmt"
	"math"
	"strconv"
)

// scanner reads the JSON of a report batch token by token. It is stricter
// than encoding/json on purpose: keys match exactly (encoding/json folds
// case), null is never a value, strings must be valid UTF-8 without lone
// surrogate escapes, and integers are plain digits. It also skips
// encoding/json's reflection, which is most of the cost of a request.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) errorf(format string, args ...any) error {
	return &decodeError{at: s.i, msg: fmt.Sprintf(format, args...)}
}

// decodeError is a bad body: where (byte offset and field path) and why.
type decodeError struct {
	path string // e.g. "reports[2].seq"; "" for the top level
	at   int
	msg  string
}

func (e *decodeError) Error() string {
	if e.path == "" {
		return fmt.Sprintf("%v: %s (at byte %d)", ErrBadRequest, e.msg, e.at)
	}
	return fmt.Sprintf("%v: %s: %s (at byte %d)", ErrBadRequest, e.path, e.msg, e.at)
}

func (e *decodeError) Unwrap() error { return ErrBadRequest }

// inField prefixes the path of a decode error with the field it happened in.
func inField(name string, err error) error {
	if e, ok := err.(*decodeError); ok {
		switch {
		case e.path == "":
			e.path = name
		case e.path[0] == '[':
			e.path = name + e.path
		default:
			e.path = name + "." + e.path
		}
	}
	return err
}

func (s *scanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// eat consumes c (after white space) if it comes next.
func (s *scanner) eat(c byte) bool {
	s.space()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// peekIs reports whether c comes next after white space.
func (s *scanner) peekIs(c byte) bool {
	s.space()
	return s.i < len(s.b) && s.b[s.i] == c
}

// describe names the value that starts next, for type errors.
func (s *scanner) describe() string {
	s.space()
	if s.i >= len(s.b) {
		return "end of input"
	}
	switch c := s.b[s.i]; {
	case c == '"':
		return "a string"
	case c == '{':
		return "an object"
	case c == '[':
		return "an array"
	case c == 't' || c == 'f':
		return "a boolean"
	case c == 'n':
		return "null"
	case c == '-' || (c >= '0' && c <= '9'):
		return "a number"
	default:
		return strconv.QuoteRune(rune(c))
	}
}

// object calls member for every key of the object that starts next; member
// must consume the value. key is only valid during the call.
func (s *scanner) object(member func(key []byte) error) error {
	if !s.eat('{') {
		return s.errorf("want an object, got %s", s.describe())
	}
	if s.eat('}') {
		return nil
	}
	for {
		if !s.peekIs('"') {
			return s.errorf("want a field name, got %s", s.describe())
		}
		key, err := s.strBytes(maxKeyLen)
		if err != nil {
			return err
		}
		if !s.eat(':') {
			return s.errorf("want ':' after a field name")
		}
		if err := member(key); err != nil {
			return err
		}
		if s.eat('}') {
			return nil
		}
		if !s.eat(',') {
			return s.errorf("want ',' or '}' after a field")
		}
	}
}

// array calls elem for every element of the array that starts next, at
// most max of them.
func (s *scanner) array(max int, elem func(i int) error) error {
	if !s.eat('[') {
		return s.errorf("want an array, got %s", s.describe())
	}
	if s.eat(']') {
		return nil
	}
	for i := 0; ; i++ {
		if i == max {
			return s.errorf("more than %d entries", max)
		}
		if err := elem(i); err != nil {
			return err
		}
		if s.eat(']') {
			return nil
		}
		if !s.eat(',') {
			return s.errorf("want ',' or ']' after an entry")
		}
	}
}

// uint reads a non-negative integer written as plain digits, at most max.
func (s *scanner) uint(max int64) (int64, error) {
	s.space()
	start := s.i
	if s.i < len(s.b) && s.b[s.i] == '-' {
		return 0, s.errorf("must not be negative")
	}
	var v int64
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		if s.i-start >= 18 {
			return 0, s.errorf("must be at most %d", max)
		}
		v = v*10 + int64(s.b[s.i]-'0')
		s.i++
	}
	switch {
	case s.i == start:
		s.i = start
		return 0, s.errorf("want an integer, got %s", s.describe())
	case s.b[start] == '0' && s.i-start > 1:
		return 0, s.errorf("leading zero in a number")
	case s.i < len(s.b) && (s.b[s.i] == '.' || s.b[s.i] == 'e' || s.b[s.i] == 'E'):
		return 0, s.errorf("must be an integer")
	case v > max:
		return 0, s.errorf("must be at most %d, got %d", max, v)
	}
	return v, nil
}

// float reads a non-negative JSON number, at most max.
func (s *scanner) float(max float64) (float64, error) {
	s.space()
	start := s.i
	if s.i < len(s.b) && s.b[s.i] == '-' {
		return 0, s.errorf("must not be negative")
	}
	digits := func() int {
		n := 0
		for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
			s.i++
			n++
		}
		return n
	}
	n := digits()
	if n == 0 {
		return 0, s.errorf("want a number, got %s", s.describe())
	}
	if s.b[start] == '0' && n > 1 {
		return 0, s.errorf("leading zero in a number")
	}
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if digits() == 0 {
			return 0, s.errorf("want digits after '.'")
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if digits() == 0 {
			return 0, s.errorf("want digits in the exponent")
		}
	}
	if s.i-start > 64 {
		return 0, s.errorf("number too long")
	}
	v, err := strconv.ParseFloat(string(s.b[start:s.i]), 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) || v > max {
		return 0, s.errorf("must be at most %g", max)
	}
	return v, nil
}

// boolean reads true or false.
func (s *scanner) boolean() (bool, error) {
	s.space()
	rest := s.b[s.i:]
	switch {
	case len(rest) >= 4 && string(rest[:4]) == "true":
		s.i += 4
		return true, s.afterLiteral()
	case len(rest) >= 5 && string(rest[:5]) == "false":
		s.i += 5
		return false, s.afterLiteral()
	}
	return false, s.errorf("want true or false, got %s", s.describe())
}

// afterLiteral refuses "truex": a literal must end at a delimiter.
func (s *scanner) afterLiteral() error {
	if s.i < len(s.b) {
		switch c := s.b[s.i]; {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			return s.errorf("invalid literal")
		}
	}
	return nil
}

// end checks that only white space follows the value.
func (s *scanner) end() error {
	s.space()
	if s.i != len(s.b) {
		return s.errorf("data after the JSON object")
	}
	return nil
}
