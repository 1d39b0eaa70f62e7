package conf

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
)

// walker checks the comment-free JSON document token by token against the
// schema tree. encoding/json alone cannot do this job: it matches keys
// case-insensitively, keeps the last of duplicate keys and its errors name
// Go types rather than config keys.
type walker struct {
	orig []byte // the file as written, for line numbers
	data []byte // the same without comments, which the decoder reads
	dec  *json.Decoder
}

// checkStrict checks stripped, the comment-free text of orig.
func checkStrict(orig, stripped []byte) error {
	w := &walker{orig: orig, data: stripped, dec: json.NewDecoder(bytes.NewReader(stripped))}
	w.dec.UseNumber()
	tok, err := w.dec.Token()
	if err != nil {
		return w.syntaxError(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("%w: line %d: the file must hold one JSON object {...}", ErrSyntax, w.line(w.dec.InputOffset()-1))
	}
	if err := w.object(schema().root, ""); err != nil {
		return err
	}
	if _, err := w.dec.Token(); err != io.EOF {
		off := w.dec.InputOffset()
		for off < int64(len(w.data)) && isJSONSpace(w.data[off]) {
			off++
		}
		return fmt.Errorf("%w: line %d: unexpected data after the top-level object", ErrSyntax, w.line(off))
	}
	return nil
}

// object checks the members of an object whose '{' was just read, then
// reads its '}'.
func (w *walker) object(n *node, prefix string) error {
	seen := map[string]bool{}
	for w.dec.More() {
		tok, err := w.dec.Token()
		if err != nil {
			return w.syntaxError(err)
		}
		name, _ := tok.(string) // the decoder only yields strings as object keys
		key := name
		if prefix != "" {
			key = prefix + "." + name
		}
		child := n.children[name]
		if child == nil {
			return newKeyError(key, ErrUnknownKey, "unknown key '%s'", keyText(key))
		}
		if seen[name] {
			return newKeyError(key, ErrUnknownKey, "duplicate key '%s'", key)
		}
		seen[name] = true
		if child.leaf != nil {
			if err := w.value(child.leaf); err != nil {
				return err
			}
			continue
		}
		tok, err = w.dec.Token()
		if err != nil {
			return w.syntaxError(err)
		}
		if d, ok := tok.(json.Delim); !ok || d != '{' {
			return newKeyError(key, ErrWrongType, "'%s' must be an object {...}", key)
		}
		if err := w.object(child, key); err != nil {
			return err
		}
	}
	if _, err := w.dec.Token(); err != nil { // the closing '}'
		return w.syntaxError(err)
	}
	return nil
}

// value reads one leaf value and checks its JSON type and that it
// parses as the leaf's kind. A wrong type stops the walk at once, so a
// nested object or array in the wrong place is never read further.
func (w *walker) value(l *leaf) error {
	tok, err := w.dec.Token()
	if err != nil {
		return w.syntaxError(err)
	}
	key := l.key
	switch l.kind {
	case kindString:
		if _, ok := tok.(string); !ok {
			return newKeyError(key, ErrWrongType, "'%s' must be a string", key)
		}
	case kindBool:
		if _, ok := tok.(bool); !ok {
			return newKeyError(key, ErrWrongType, "'%s' must be true or false", key)
		}
	case kindInt, kindInt64:
		n, ok := tok.(json.Number)
		if !ok {
			return newKeyError(key, ErrWrongType, "'%s' must be a number", key)
		}
		bits := 64
		if l.kind == kindInt {
			bits = strconv.IntSize
		}
		if _, err := strconv.ParseInt(string(n), 10, bits); err != nil {
			if errors.Is(err, strconv.ErrRange) {
				return newKeyError(key, ErrWrongType, "'%s' is out of range (got %s)", key, quote(string(n)))
			}
			return newKeyError(key, ErrWrongType, "'%s' must be a whole number (got %s)", key, quote(string(n)))
		}
	case kindDuration:
		s, ok := tok.(string)
		if !ok {
			return newKeyError(key, ErrWrongType, `'%s' must be a duration string like "10s"`, key)
		}
		if _, err := time.ParseDuration(s); err != nil {
			return newKeyError(key, ErrWrongType, `'%s' must be a duration like "10s" or "1m30s" (got %s)`, key, quote(s))
		}
	case kindList:
		return w.list(key, tok)
	}
	return nil
}

// list checks that tok opens an array of strings and reads it whole.
func (w *walker) list(key string, tok json.Token) error {
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return newKeyError(key, ErrWrongType, "'%s' must be a list of strings [...]", key)
	}
	for i := 0; w.dec.More(); i++ {
		tok, err := w.dec.Token()
		if err != nil {
			return w.syntaxError(err)
		}
		if _, ok := tok.(string); !ok {
			return newKeyError(key, ErrWrongType, "'%s[%d]' must be a string", key, i)
		}
	}
	if _, err := w.dec.Token(); err != nil { // the closing ']'
		return w.syntaxError(err)
	}
	return nil
}

// syntaxError wraps a decoder error with the line it happened on in the
// file as written. It never quotes the text: it may be a secret.
func (w *walker) syntaxError(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: the file ends in the middle of the JSON object", ErrSyntax)
	}
	off := w.dec.InputOffset()
	var se *json.SyntaxError
	if errors.As(err, &se) {
		// Token's own errors point at the bad byte, errors inside a value
		// just past it: the same line either way, as the byte after a bad
		// one is at worst the '\n' that ends its line.
		off = se.Offset
	}
	return fmt.Errorf("%w: line %d: %v", ErrSyntax, w.line(off), err)
}

// line maps an offset in the comment-free text to a line of the file.
func (w *walker) line(off int64) int {
	return lineOfStripped(w.orig, int(min(max(off, 0), int64(len(w.data)))))
}

func isJSONSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// keyText escapes a key from the file for an error message, so a key with
// quotes or control characters cannot forge a log line.
func keyText(key string) string {
	cut := ""
	if len(key) > maxQuoted {
		key, cut = key[:maxQuoted], "..."
	}
	q := strconv.Quote(key)
	return q[1:len(q)-1] + cut
}
