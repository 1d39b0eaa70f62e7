package p2pmeta

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestSecondsEncoding(t *testing.T) {
	cases := []struct {
		in   Seconds
		want string
	}{
		{2, "2"},
		{2.0234, "2.023"},
		{0.96, "0.96"},
		{1e-7, "0"},
		{-1e-7, "0"},
		{0, "0"},
		{2.023, "2.023"},
		{2.0236, "2.024"},
		{10, "10"},
		{86400, "86400"},
		{1e21, "1000000000000000000000"}, // encoding/json alone would write 1e+21
	}
	for _, c := range cases {
		got, err := json.Marshal(c.in)
		if err != nil {
			t.Errorf("%v: %v", float64(c.in), err)
			continue
		}
		if string(got) != c.want {
			t.Errorf("%v encodes as %s, want %s", float64(c.in), got, c.want)
		}
	}
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if got, err := json.Marshal(Seconds(bad)); err == nil {
			t.Errorf("%v encodes as %s, want an error", bad, got)
		}
	}
}

func TestMarshalWritesEmptyArraysNotNull(t *testing.T) {
	m := emptyP2P()
	m.Segments, m.P2P.Trackers, m.P2P.STUN = nil, nil, nil
	b, err := Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"segments":[]`, `"trackers":[]`, `"stun":[]`} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("%s lacks %s", b, want)
		}
	}
	if bytes.Contains(b, []byte("null")) || bytes.Contains(b, []byte(`"init"`)) {
		t.Errorf("%s has null or an init key", b)
	}
	if m.Segments != nil || m.P2P.Trackers != nil {
		t.Error("Marshal changed its argument")
	}
}

func TestMarshalIsCompactWithOneNewline(t *testing.T) {
	b, err := Marshal(srs7FMP4())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Count(b, []byte("\n")) != 1 || b[len(b)-1] != '\n' || bytes.Contains(b, []byte(" ")) {
		t.Errorf("not compact with one trailing newline: %q", b)
	}
	// & in the pingback query stays readable rather than \u0026.
	if !bytes.Contains(b, []byte("?site=a&v=1")) {
		t.Errorf("pingback escaped: %s", b)
	}
}

func TestMarshalRejectsInvalid(t *testing.T) {
	if _, err := Marshal(nil); err == nil {
		t.Error("Marshal(nil) succeeded")
	}
	m := srs6TS()
	m.Segments[0].Duration = Seconds(math.NaN())
	if _, err := Marshal(m); err == nil {
		t.Error("Marshal accepted a NaN duration")
	}
}

func TestMarshalRefusesOversizedOutput(t *testing.T) {
	m := emptyP2P()
	// Long uris in a subdirectory keep basenames unique while the file passes MaxSize.
	dir := strings.Repeat("x", 250) + "/" + strings.Repeat("y", 250) + "/"
	m.Segments = nil
	for i := range uint64(40_000) {
		m.Segments = append(m.Segments, fakeSegment(dir+itoa(i)+".ts", m.MediaSequence+i, 2, 1))
	}
	if _, err := Marshal(m); err != ErrTooLarge {
		t.Errorf("Marshal = %v, want ErrTooLarge", err)
	}
}
