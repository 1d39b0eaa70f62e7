package tracker

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/gobwas/ws"
)

// event is what a msgReader (or the reference reader) returns: a message
// or control frame, or the error that ended the stream.
type event struct {
	op      ws.OpCode
	payload string
	code    ws.StatusCode // close code of a protocol error; 0 for an I/O end
}

func (e event) String() string { return fmt.Sprintf("{op %d %q close %d}", e.op, e.payload, e.code) }

func readAllEvents(m *msgReader) []event {
	var out []event
	for {
		op, p, err := m.next()
		if err != nil {
			var ce *closeError
			if errors.As(err, &ce) {
				return append(out, event{code: ce.code})
			}
			return append(out, event{})
		}
		out = append(out, event{op: op, payload: string(p)})
	}
}

func newTestReader(src io.Reader, limit int) *msgReader {
	return &msgReader{src: src, pool: newBufPool(limit + maxFrameHeader), limit: limit}
}

func frames(fs ...[]byte) []byte { return bytes.Join(fs, nil) }

func masked(op ws.OpCode, fin bool, payload string) []byte {
	return appendMaskedFrame(nil, op, fin, []byte(payload))
}

func TestMsgReader(t *testing.T) {
	big := strings.Repeat("x", 70000)
	cases := []struct {
		name  string
		in    []byte
		limit int
		want  []event
	}{
		{"text and binary", frames(masked(ws.OpText, true, "hello"), masked(ws.OpBinary, true, "\x00\xff")), 100,
			[]event{{op: ws.OpText, payload: "hello"}, {op: ws.OpBinary, payload: "\x00\xff"}, {}}},
		{"fragments with a ping between", frames(masked(ws.OpText, false, "he"), masked(ws.OpPing, true, "p"),
			masked(ws.OpContinuation, false, "ll"), masked(ws.OpContinuation, true, "o")), 100,
			[]event{{op: ws.OpPing, payload: "p"}, {op: ws.OpText, payload: "hello"}, {}}},
		{"exactly the limit", masked(ws.OpText, true, "12345"), 5, []event{{op: ws.OpText, payload: "12345"}, {}}},
		{"one byte over the limit", masked(ws.OpText, true, "123456"), 5, []event{{code: ws.StatusMessageTooBig}}},
		{"fragments over the limit", frames(masked(ws.OpText, false, "123"), masked(ws.OpContinuation, true, "456")), 5,
			[]event{{code: ws.StatusMessageTooBig}}},
		{"64 KiB + message (8-byte length)", masked(ws.OpText, true, big), 80000, []event{{op: ws.OpText, payload: big}, {}}},
		{"unmasked", []byte("\x81\x02hi"), 100, []event{{code: ws.StatusProtocolError}}},
		{"reserved opcode", masked(0x3, true, "x"), 100, []event{{code: ws.StatusProtocolError}}},
		{"rsv bit", append([]byte{0xc1}, masked(ws.OpText, true, "x")[1:]...), 100, []event{{code: ws.StatusProtocolError}}},
		{"long ping", masked(ws.OpPing, true, strings.Repeat("p", 126)), 1000, []event{{code: ws.StatusProtocolError}}},
		{"fragmented ping", masked(ws.OpPing, false, "p"), 100, []event{{code: ws.StatusProtocolError}}},
		{"continuation first", masked(ws.OpContinuation, true, "x"), 100, []event{{code: ws.StatusProtocolError}}},
		{"text inside a fragmented message", frames(masked(ws.OpText, false, "a"), masked(ws.OpText, true, "b")), 100,
			[]event{{code: ws.StatusProtocolError}}},
		{"length with the top bit", []byte("\x81\xff\x80\x00\x00\x00\x00\x00\x00\x01mask"), 100, []event{{code: ws.StatusProtocolError}}},
		{"truncated frame", masked(ws.OpText, true, "hello")[:6], 100, []event{{}}},
		{"close", masked(ws.OpClose, true, "\x03\xe8bye"), 100, []event{{op: ws.OpClose, payload: "\x03\xe8bye"}, {}}},
	}
	readers := map[string]func(io.Reader) io.Reader{
		"whole":    func(r io.Reader) io.Reader { return r },
		"one byte": iotest.OneByteReader,
		"halves":   iotest.HalfReader,
	}
	for _, tc := range cases {
		for rname, wrap := range readers {
			t.Run(tc.name+"/"+rname, func(t *testing.T) {
				m := newTestReader(wrap(bytes.NewReader(tc.in)), tc.limit)
				got := readAllEvents(m)
				if fmt.Sprint(got) != fmt.Sprint(tc.want) {
					t.Fatalf("events = %v, want %v", got, tc.want)
				}
				if m.buf != nil && tc.want[len(tc.want)-1].code == 0 && tc.name != "truncated frame" {
					t.Fatal("a buffer is still held after the last message")
				}
			})
		}
	}
}

// TestMsgReaderReleasesBufferWhenIdle: between messages the reader holds
// no buffer, so an idle connection pins none.
func TestMsgReaderReleasesBufferWhenIdle(t *testing.T) {
	pr, pw := io.Pipe()
	m := newTestReader(pr, 1000)
	go func() {
		_, _ = pw.Write(masked(ws.OpText, true, "one"))
	}()
	if _, p, err := m.next(); err != nil || string(p) != "one" {
		t.Fatalf("next = %q, %v", p, err)
	}
	waiting := make(chan bool, 1)
	m.beforeRead = func() { waiting <- m.buf == nil }
	go func() { _, _, _ = m.next() }()
	if held := !<-waiting; held {
		t.Fatal("the reader waits for the next message holding a buffer")
	}
	pw.Close()
}

// referenceEvents reads in with gobwas's own frame reader and the rules
// the tracker enforces, the plain way: the oracle of FuzzMsgReader.
func referenceEvents(in []byte, limit int) []event {
	r := bytes.NewReader(in)
	var out []event
	var msg []byte
	var msgOp ws.OpCode
	fragmented := false
	for {
		h, err := ws.ReadHeader(r)
		if err != nil {
			if errors.Is(err, ws.ErrHeaderLengthMSB) {
				return append(out, event{code: ws.StatusProtocolError})
			}
			return append(out, event{})
		}
		state := ws.StateServerSide
		if fragmented {
			state |= ws.StateFragmented
		}
		if ws.CheckHeader(h, state) != nil {
			return append(out, event{code: ws.StatusProtocolError})
		}
		if !h.OpCode.IsControl() && int64(len(msg))+h.Length > int64(limit) {
			return append(out, event{code: ws.StatusMessageTooBig})
		}
		p := make([]byte, h.Length)
		if _, err := io.ReadFull(r, p); err != nil {
			return append(out, event{})
		}
		ws.Cipher(p, h.Mask, 0)
		switch {
		case h.OpCode.IsControl():
			out = append(out, event{op: h.OpCode, payload: string(p)})
			continue
		case !fragmented:
			msgOp = h.OpCode
		}
		msg = append(msg, p...)
		fragmented = !h.Fin
		if h.Fin {
			out = append(out, event{op: msgOp, payload: string(msg)})
			msg = nil
		}
	}
}

func FuzzMsgReader(f *testing.F) {
	f.Add(frames(masked(ws.OpText, true, "hello"), masked(ws.OpPing, true, "")), uint16(100), uint8(0))
	f.Add(frames(masked(ws.OpText, false, "he"), masked(ws.OpPong, true, "x"), masked(ws.OpContinuation, true, "llo")), uint16(5), uint8(1))
	f.Add(masked(ws.OpBinary, true, strings.Repeat("z", 300)), uint16(299), uint8(2))
	f.Add([]byte("\x81\xfe\x01\x00abcd"), uint16(1000), uint8(0))
	f.Fuzz(func(t *testing.T, in []byte, limit uint16, chunking uint8) {
		var src io.Reader = bytes.NewReader(in)
		switch chunking % 3 {
		case 1:
			src = iotest.OneByteReader(src)
		case 2:
			src = iotest.HalfReader(src)
		}
		got := readAllEvents(newTestReader(src, int(limit)))
		want := referenceEvents(in, int(limit))
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("msgReader: %v\nreference: %v", got, want)
		}
	})
}
