package hooks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Decode parses one SRS hook body strictly and validates it for its action.
//
// Strict means: the body is exactly one JSON object (trailing data is an
// error); every known field (matched case-sensitively, exactly as SRS spells
// it) has its JSON type (strings are strings, seq_no is an integer, duration
// a number; null is not accepted) and appears at most once; required fields
// are present; strings and numbers are in range (validate.go). Unknown fields
// are skipped: SRS adds fields over versions (SRS 7's clients) and a future
// one must not refuse every publisher.
//
// Errors wrap ErrMalformed, ErrUnknownAction, ErrInvalidField or
// ErrPathOutside.
func Decode(body []byte) (*Request, error) {
	r, seen, err := decodeObject(body)
	if err != nil {
		return nil, err
	}
	if err := validate(r, seen); err != nil {
		return nil, err
	}
	return r, nil
}

// decodeObject checks the grammar with json.Valid (one value, nothing after
// it), then walks the members of the top-level object itself. encoding/json's
// Unmarshal would match keys case-insensitively, keep the last of duplicate
// keys and accept null; its Decoder.Token is exact but builds an error
// string for every scalar it reads, which made decoding 10x slower.
func decodeObject(body []byte) (*Request, fieldSet, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, 0, fmt.Errorf("%w: empty body", ErrMalformed)
	}
	if !json.Valid(body) {
		var v any // only for the error message: where and why the syntax broke
		err := json.Unmarshal(body, &v)
		if se, ok := err.(*json.SyntaxError); ok {
			return nil, 0, fmt.Errorf("%w: %v at byte %d", ErrMalformed, se, se.Offset)
		}
		return nil, 0, fmt.Errorf("%w: not valid JSON", ErrMalformed)
	}
	m := members{b: body}
	m.space()
	if !m.eat('{') {
		return nil, 0, fmt.Errorf("%w: body is not a JSON object", ErrMalformed)
	}
	r := &Request{}
	var seen fieldSet
	for m.space(); !m.eat('}'); {
		key, val, err := m.next()
		if err != nil {
			return nil, 0, err
		}
		id, known := fieldByName[key]
		if !known {
			continue
		}
		if seen.has(id) {
			return nil, 0, fmt.Errorf("%w: duplicate field %s", ErrInvalidField, key)
		}
		seen = seen.with(id)
		if err := fields[id].set(r, val); err != nil {
			return nil, 0, err
		}
	}
	return r, seen, nil
}

// members walks the top level of a JSON object that json.Valid accepted, so
// it only finds boundaries; it still checks every index, and reports an
// inconsistency as malformed rather than trusting the earlier check.
type members struct {
	b []byte
	i int
}

var errWalk = fmt.Errorf("%w: unexpected JSON structure", ErrMalformed)

func (m *members) space() {
	for m.i < len(m.b) && isSpace(m.b[m.i]) {
		m.i++
	}
}

func (m *members) eat(c byte) bool {
	if m.i < len(m.b) && m.b[m.i] == c {
		m.i++
		return true
	}
	return false
}

// next returns one member's key (unescaped) and raw value, and consumes the
// ',' after it.
func (m *members) next() (string, []byte, error) {
	start := m.i
	end := m.skipString()
	if end < 0 {
		return "", nil, errWalk
	}
	key, ok := unquote(m.b[start:end])
	if !ok {
		return "", nil, errWalk
	}
	m.space()
	if !m.eat(':') {
		return "", nil, errWalk
	}
	m.space()
	start = m.i
	if !m.skipValue() {
		return "", nil, errWalk
	}
	val := m.b[start:m.i]
	m.space()
	if m.eat(',') {
		m.space()
	}
	return key, val, nil
}

// skipString moves past the string starting at m.i and returns its end, or -1.
func (m *members) skipString() int {
	if !m.eat('"') {
		return -1
	}
	for m.i < len(m.b) {
		switch m.b[m.i] {
		case '\\':
			m.i += 2
		case '"':
			m.i++
			return m.i
		default:
			m.i++
		}
	}
	return -1
}

// skipValue moves past one value of any type; false if it has no end.
func (m *members) skipValue() bool {
	if m.i >= len(m.b) {
		return false
	}
	switch m.b[m.i] {
	case '"':
		return m.skipString() >= 0
	case '{', '[':
		depth := 0
		for m.i < len(m.b) {
			switch m.b[m.i] {
			case '"':
				if m.skipString() < 0 {
					return false
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					m.i++
					return true
				}
			}
			m.i++
		}
		return false
	default: // a number, true, false or null runs to the next delimiter
		for m.i < len(m.b) && !isDelimiter(m.b[m.i]) {
			m.i++
		}
		return true
	}
}

func isDelimiter(c byte) bool {
	return c == ',' || c == '}' || c == ']' || isSpace(c)
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// unquote decodes a JSON string literal. The common case (no escapes, valid
// UTF-8) is a plain copy; anything else goes through encoding/json, which
// also replaces invalid UTF-8 the same way for both paths' callers.
func unquote(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false
	}
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return string(inner), true
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

// set stores one raw JSON value into r after checking its type and range.
// null, booleans, objects and arrays are type errors for every known field.
func (f *fieldSpec) set(r *Request, raw []byte) error {
	switch f.kind {
	case kindString:
		s, ok := "", len(raw) > 0 && raw[0] == '"'
		if ok {
			s, ok = unquote(raw)
		}
		if !ok {
			return fmt.Errorf("%w: %s must be a string", ErrInvalidField, f.name)
		}
		if err := f.checkString(s); err != nil {
			return err
		}
		*f.str(r) = s
	case kindInt:
		v, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil { // also a fraction, an exponent or beyond int64
			return fmt.Errorf("%w: %s must be an integer", ErrInvalidField, f.name)
		}
		if err := f.checkInt(v); err != nil {
			return err
		}
		*f.integer(r) = v
	case kindFloat:
		if !isNumber(raw) {
			return fmt.Errorf("%w: %s must be a finite number", ErrInvalidField, f.name)
		}
		v, err := strconv.ParseFloat(string(raw), 64)
		if err != nil { // ErrRange: beyond float64
			return fmt.Errorf("%w: %s must be a finite number", ErrInvalidField, f.name)
		}
		if err := f.checkFloat(v); err != nil {
			return err
		}
		*f.float(r) = v
	}
	return nil
}

// isNumber reports a JSON number token. ParseFloat alone would also take
// "Inf", "NaN" or hex, which JSON cannot contain but a string could if the
// raw slice were ever not a number.
func isNumber(raw []byte) bool {
	return len(raw) > 0 && (raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9')
}
