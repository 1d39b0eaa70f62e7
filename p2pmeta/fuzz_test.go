package p2pmeta

import (
	"bytes"
	"reflect"
	"testing"
)

// FuzzParse checks that Parse never panics and that whatever it accepts is a fixed point of the
// canonical encoding: Marshal succeeds, its output parses to an equal manifest and encodes to the
// same bytes again.
func FuzzParse(f *testing.F) {
	for _, g := range goldens {
		f.Add(readGolden(f, g.file))
	}
	f.Add([]byte(`{"version":2}`))
	f.Add([]byte(`{"version":1,"version":1}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, input []byte) {
		m, err := Parse(input)
		if err != nil {
			if m != nil {
				t.Fatal("Parse returned a manifest with an error")
			}
			return
		}
		out, err := Marshal(m)
		if err != nil {
			t.Fatalf("Marshal of an accepted manifest: %v", err)
		}
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse of Marshal output: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(again, m) {
			t.Fatalf("round trip changed the manifest:\n%+v\n%+v", m, again)
		}
		out2, err := Marshal(again)
		if err != nil || !bytes.Equal(out, out2) {
			t.Fatalf("encoding is not stable (%v):\n%s\n%s", err, out, out2)
		}
	})
}
