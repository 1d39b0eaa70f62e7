package p2pmeta

import (
	"encoding/json"
	"io"
	"reflect"
	"strconv"
	"strings"
)

// encoding/json alone is lenient where the format is not: it matches keys case-insensitively,
// keeps the last of duplicate keys, takes null for "absent" and does not report missing keys. So
// Parse first walks the token stream against a shape derived from the Manifest type: every key
// exact, known and unique, every key without omitempty present, no null, and numbers in the form
// their field needs.

// shape is the expected JSON form of one Go type.
type shape struct {
	kind   reflect.Kind
	fields []shapeField // kind Struct
	elem   *shape       // kind Slice
}

type shapeField struct {
	key      string
	required bool
	shape    *shape
}

var manifestShape = shapeOf(reflect.TypeFor[Manifest]())

func shapeOf(t reflect.Type) *shape {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	s := &shape{kind: t.Kind()}
	switch t.Kind() {
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			key, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || key == "-" || key == "" {
				continue
			}
			s.fields = append(s.fields, shapeField{key: key, required: opts != "omitempty", shape: shapeOf(f.Type)})
		}
	case reflect.Slice:
		s.elem = shapeOf(t.Elem())
	}
	return s
}

// fieldPath is a JSON path built only when an error needs it: "segments[3].sha256".
type fieldPath struct {
	parent *fieldPath
	key    string
	index  int // used when key is ""
}

func (p *fieldPath) String() string {
	if p == nil {
		return "manifest"
	}
	var parts []string
	for ; p != nil; p = p.parent {
		if p.key != "" {
			parts = append(parts, p.key)
		} else {
			parts = append(parts, "["+strconv.Itoa(p.index)+"]")
		}
	}
	var b strings.Builder
	for i := len(parts) - 1; i >= 0; i-- {
		if b.Len() > 0 && parts[i][0] != '[' {
			b.WriteByte('.')
		}
		b.WriteString(parts[i])
	}
	return b.String()
}

func checkShape(b []byte) error {
	dec := newDecoder(b)
	if err := walkShape(dec, manifestShape, nil); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return &FieldError{Field: "manifest", Reason: "data after the manifest object"}
	}
	return nil
}

func walkShape(dec *json.Decoder, s *shape, at *fieldPath) error {
	tok, err := dec.Token()
	if err != nil {
		return syntaxError(err)
	}
	if tok == nil {
		return &FieldError{Field: at.String(), Reason: "null is not allowed"}
	}
	switch s.kind {
	case reflect.Struct:
		if tok != json.Delim('{') {
			return &FieldError{Field: at.String(), Reason: "not an object"}
		}
		return walkObject(dec, s, at)
	case reflect.Slice:
		if tok != json.Delim('[') {
			return &FieldError{Field: at.String(), Reason: "not an array"}
		}
		for i := 0; dec.More(); i++ {
			if err := walkShape(dec, s.elem, &fieldPath{parent: at, index: i}); err != nil {
				return err
			}
		}
		_, err := dec.Token() // ']'
		if err != nil {
			return syntaxError(err)
		}
		return nil
	case reflect.String:
		if _, ok := tok.(string); !ok {
			return &FieldError{Field: at.String(), Reason: "not a string"}
		}
	case reflect.Bool:
		if _, ok := tok.(bool); !ok {
			return &FieldError{Field: at.String(), Reason: "not true or false"}
		}
	default:
		num, ok := tok.(json.Number)
		if !ok {
			return &FieldError{Field: at.String(), Reason: "not a number"}
		}
		if reason := checkNumber(s.kind, string(num)); reason != "" {
			return &FieldError{Field: at.String(), Reason: reason}
		}
	}
	return nil
}

// walkObject reads the keys and values of an object whose '{' was read.
func walkObject(dec *json.Decoder, s *shape, at *fieldPath) error {
	seen := make([]bool, len(s.fields))
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return syntaxError(err)
		}
		key, _ := tok.(string)
		i := s.find(key)
		if i < 0 {
			return &FieldError{Field: (&fieldPath{parent: at, key: quoteKey(key)}).String(), Reason: "unknown key"}
		}
		child := &fieldPath{parent: at, key: key}
		if seen[i] {
			return &FieldError{Field: child.String(), Reason: "duplicate key"}
		}
		seen[i] = true
		if err := walkShape(dec, s.fields[i].shape, child); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // '}'
		return syntaxError(err)
	}
	for i, f := range s.fields {
		if f.required && !seen[i] {
			return &FieldError{Field: (&fieldPath{parent: at, key: f.key}).String(), Reason: "missing"}
		}
	}
	return nil
}

func (s *shape) find(key string) int {
	for i := range s.fields {
		if s.fields[i].key == key {
			return i
		}
	}
	return -1
}

// checkNumber returns why a JSON number literal does not fit a field of the kind, or "".
func checkNumber(kind reflect.Kind, lit string) string {
	switch kind {
	case reflect.Int, reflect.Int64:
		if !isIntLiteral(lit) {
			return "not an integer"
		}
		bits := 64
		if kind == reflect.Int {
			bits = strconv.IntSize
		}
		if _, err := strconv.ParseInt(lit, 10, bits); err != nil {
			return "integer out of range"
		}
	case reflect.Uint64:
		if !isIntLiteral(lit) || strings.HasPrefix(lit, "-") {
			return "not a non-negative integer"
		}
		if _, err := strconv.ParseUint(lit, 10, 64); err != nil {
			return "integer out of range"
		}
	case reflect.Float64:
		// Only Seconds is a float: a non-negative decimal with at most 3 fraction digits.
		whole, frac, hasFrac := strings.Cut(lit, ".")
		if strings.HasPrefix(lit, "-") || strings.ContainsAny(lit, "eE") || hasFrac && len(frac) > 3 || len(whole) > 5 {
			return "not a decimal 0..86400 with at most 3 fraction digits"
		}
	default:
		return "unexpected number"
	}
	return ""
}

// quoteKey shows an unknown key safely in an error: quoted, and cut to a readable length.
func quoteKey(key string) string {
	const maxShown = 64
	if len(key) > maxShown {
		return strconv.Quote(key[:maxShown]) + "..."
	}
	return strconv.Quote(key)
}
