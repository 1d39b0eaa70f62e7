package p2pmeta

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// Parse decodes one manifest strictly and validates it. It refuses input larger than MaxSize,
// invalid UTF-8, anything but exactly one JSON object, unknown, duplicate, missing or
// differently-cased keys, null values, numbers in the wrong form, a version other than 1
// (ErrVersion, checked before anything else so a newer manifest is reported as such), and every
// rule of Validate. Errors name the field.
func Parse(b []byte) (*Manifest, error) {
	if len(b) > MaxSize {
		return nil, ErrTooLarge
	}
	if !utf8.Valid(b) {
		return nil, &FieldError{Field: "manifest", Reason: "not valid UTF-8"}
	}
	if err := checkVersion(b); err != nil {
		return nil, err
	}
	if err := checkShape(b); err != nil {
		return nil, err
	}
	// The shape check leaves nothing for encoding/json to be lenient about: keys are exact and
	// unique, every value has the right JSON type and every number fits its field.
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

// checkVersion finds the top-level "version" key and requires it to be Version, skipping every other
// value unread, so that a manifest of a later version fails with ErrVersion rather than with an
// error about a key this version does not know.
func checkVersion(b []byte) error {
	dec := newDecoder(b)
	if err := expectDelim(dec, '{', "manifest", "not a JSON object"); err != nil {
		return err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return syntaxError(err)
		}
		if tok != "version" {
			if err := skipValue(dec); err != nil {
				return err
			}
			continue
		}
		tok, err = dec.Token()
		if err != nil {
			return syntaxError(err)
		}
		num, ok := tok.(json.Number)
		if !ok || !isIntLiteral(string(num)) {
			return &FieldError{Field: "version", Reason: "not an integer"}
		}
		if string(num) != "1" {
			return &FieldError{Field: "version", Reason: fmt.Sprintf("unsupported %s, this reader knows %d", num, Version), version: true}
		}
		return nil
	}
	return &FieldError{Field: "version", Reason: "missing"}
}

func newDecoder(b []byte) *json.Decoder {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec
}

// maxSkipDepth bounds the nesting of a value skipped unread. json.Decoder.Token keeps a stack entry
// per open bracket without limit, so 16 MiB of "[" would otherwise cost far more memory than input.
const maxSkipDepth = 64

// skipValue reads one value, nested at most maxSkipDepth deep.
func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return syntaxError(err)
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
			if depth > maxSkipDepth {
				return &FieldError{Field: "manifest", Reason: fmt.Sprintf("nested deeper than %d", maxSkipDepth)}
			}
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

func expectDelim(dec *json.Decoder, want json.Delim, field, reason string) error {
	tok, err := dec.Token()
	if err != nil {
		return syntaxError(err)
	}
	if tok != want {
		return &FieldError{Field: field, Reason: reason}
	}
	return nil
}

// syntaxError reports broken JSON. An empty input or one cut short reads as unexpected EOF.
func syntaxError(err error) error {
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return &FieldError{Field: "manifest", Reason: "bad JSON: " + err.Error()}
}

// isIntLiteral reports whether a JSON number literal has no fraction and no exponent.
func isIntLiteral(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '.' || c == 'e' || c == 'E' {
			return false
		}
	}
	return true
}
