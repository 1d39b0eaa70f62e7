package integration

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// orderedObject is a JSON object that keeps its keys in order: the tests
// check the manifest's documented key order and rewrite captured SRS hook
// bodies without reordering SRS's fields.
type orderedObject struct {
	fields []objectField
}

type objectField struct {
	key   string
	value json.RawMessage
}

// UnmarshalJSON accepts exactly one object; duplicate keys are an error.
func (o *orderedObject) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("not a JSON object")
	}
	o.fields = nil
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, ok := tok.(string)
		if !ok {
			return fmt.Errorf("object key is %T", tok)
		}
		if o.get(key) != nil {
			return fmt.Errorf("duplicate key %q", key)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		o.fields = append(o.fields, objectField{key, v})
	}
	if _, err := dec.Token(); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("trailing data after the object")
	}
	return nil
}

// MarshalJSON writes the fields compactly in order.
func (o orderedObject) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range o.fields {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(f.key)
		b.Write(k)
		b.WriteByte(':')
		if err := json.Compact(&b, f.value); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func (o *orderedObject) keys() []string {
	out := make([]string, len(o.fields))
	for i, f := range o.fields {
		out[i] = f.key
	}
	return out
}

func (o *orderedObject) get(key string) json.RawMessage {
	for _, f := range o.fields {
		if f.key == key {
			return f.value
		}
	}
	return nil
}

// set replaces key's value in place, or appends it.
func (o *orderedObject) set(key string, v any) {
	raw, ok := v.(json.RawMessage)
	if !ok {
		var err error
		if raw, err = json.Marshal(v); err != nil {
			panic(err) // test values always marshal
		}
	}
	for i := range o.fields {
		if o.fields[i].key == key {
			o.fields[i].value = raw
			return
		}
	}
	o.fields = append(o.fields, objectField{key, raw})
}

// clone returns an independent copy (the RawMessages are never mutated).
func (o orderedObject) clone() orderedObject {
	return orderedObject{fields: append([]objectField(nil), o.fields...)}
}

func (o orderedObject) bytes() []byte {
	b, err := o.MarshalJSON()
	if err != nil {
		panic(err) // fields came from valid JSON
	}
	return b
}
