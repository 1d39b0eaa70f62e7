package tracker

import (
	"encoding/binary"
	"fmt"
	"io"
	"syscall"

	"github.com/gobwas/ws"
)

// wakeBytes is what an idle connection reads into while it waits for its
// client when its socket cannot be waited on without reading (see
// readPooled): room for any frame header, and no pooled buffer pinned.
// Once bytes arrive, the rest is read into a pooled buffer that goes back
// to the pool as soon as no partial frame is left.
const wakeBytes = 16

// closeError is a WebSocket protocol failure: the connection ends with a
// close frame carrying code.
type closeError struct {
	code   ws.StatusCode
	reason string
}

func (e *closeError) Error() string { return fmt.Sprintf("websocket: %s (close %d)", e.reason, e.code) }

var errMessageTooBig = &closeError{code: ws.StatusMessageTooBig, reason: "message too big"}

// msgReader reads the messages and control frames a client sends:
// unmasked, fragments joined, at most limit payload bytes per message.
// It owns no buffer while no partial frame is pending.
type msgReader struct {
	src   io.Reader
	raw   syscall.RawConn // src's socket, when it can be read with readPooled
	pool  *bufPool
	limit int
	// beforeRead runs before every read from src, which may block: the
	// tracker flushes what it queued and arms the read deadline there.
	beforeRead func()

	wake [wakeBytes]byte
	buf  *[]byte // from pool, nil while idle
	r, w int     // unread bytes are (*buf)[r:w]

	// A fragmented message being joined lies at (*buf)[fragAt:fragAt+fragN].
	frag          bool
	fragOp        ws.OpCode
	fragAt, fragN int
}

// next returns the next complete message (text or binary) or control
// frame. The payload is valid until the following call.
func (m *msgReader) next() (ws.OpCode, []byte, error) {
	for {
		if m.buf != nil && m.r == m.w && !m.frag {
			m.release()
		}
		if m.buf != nil {
			op, p, ok, err := m.parse()
			if err != nil || ok {
				return op, p, err
			}
		}
		if err := m.fill(); err != nil {
			return 0, nil, err
		}
	}
}

// parse takes the next frame out of the buffer; ok is false when it is
// not complete yet.
func (m *msgReader) parse() (op ws.OpCode, payload []byte, ok bool, err error) {
	for m.r < m.w {
		b := (*m.buf)[m.r:m.w]
		h, hlen, err := parseHeader(b)
		if err != nil || hlen == 0 {
			return 0, nil, false, err
		}
		state := ws.StateServerSide
		if m.frag {
			state |= ws.StateFragmented
		}
		if err := ws.CheckHeader(h, state); err != nil {
			return 0, nil, false, &closeError{code: ws.StatusProtocolError, reason: err.Error()}
		}
		if !h.OpCode.IsControl() && h.Length > int64(m.limit-m.fragN) {
			return 0, nil, false, errMessageTooBig
		}
		size := hlen + int(h.Length)
		if len(b) < size {
			return 0, nil, false, nil
		}
		payload = b[hlen:size]
		ws.Cipher(payload, h.Mask, 0)
		m.r += size
		switch {
		case h.OpCode.IsControl():
			return h.OpCode, payload, true, nil
		case !m.frag && h.Fin:
			return h.OpCode, payload, true, nil
		case !m.frag:
			m.frag, m.fragOp, m.fragAt, m.fragN = true, h.OpCode, m.r-len(payload), len(payload)
		default: // a continuation: join it to the fragments before it
			m.fragN += copy((*m.buf)[m.fragAt+m.fragN:], payload)
			if h.Fin {
				msg := (*m.buf)[m.fragAt : m.fragAt+m.fragN]
				m.frag, m.fragN = false, 0
				return m.fragOp, msg, true, nil
			}
		}
	}
	return 0, nil, false, nil
}

// parseHeader decodes a frame header from b; n is 0 while b holds only
// part of it.
func parseHeader(b []byte) (h ws.Header, n int, err error) {
	if len(b) < 2 {
		return h, 0, nil
	}
	n = 2
	switch b[1] & 0x7f {
	case 126:
		n += 2
	case 127:
		n += 8
	}
	h.Masked = b[1]&0x80 != 0
	if h.Masked {
		n += 4
	}
	if len(b) < n {
		return h, 0, nil
	}
	h.Fin = b[0]&0x80 != 0
	h.Rsv = b[0] & 0x70 >> 4
	h.OpCode = ws.OpCode(b[0] & 0x0f)
	switch l := b[1] & 0x7f; l {
	case 126:
		h.Length = int64(binary.BigEndian.Uint16(b[2:]))
	case 127:
		v := binary.BigEndian.Uint64(b[2:])
		if v>>63 != 0 {
			return h, 0, &closeError{code: ws.StatusProtocolError, reason: ws.ErrHeaderLengthMSB.Error()}
		}
		h.Length = int64(v)
	default:
		h.Length = int64(l)
	}
	if h.Masked {
		copy(h.Mask[:], b[n-4:n])
	}
	return h, n, nil
}

// fill reads more bytes from src.
func (m *msgReader) fill() error {
	if m.beforeRead != nil {
		m.beforeRead()
	}
	if m.buf == nil && m.raw != nil {
		buf, n, err := readPooled(m.raw, m.pool)
		if n == 0 {
			return readErr(err)
		}
		m.buf, m.r, m.w = buf, 0, n
		return nil
	}
	if m.buf == nil {
		n, err := m.src.Read(m.wake[:])
		if n == 0 {
			return readErr(err)
		}
		m.preload(m.wake[:n])
		return nil
	}
	m.compact()
	if m.w == len(*m.buf) {
		// Full with one incomplete frame: grow, as far as the limit
		// allows. The size grows with the bytes that came, not with
		// the length a header announces.
		m.buf = m.pool.grow(m.buf, m.w)
	}
	n, err := m.src.Read((*m.buf)[m.w:])
	m.w += n
	if n == 0 {
		return readErr(err)
	}
	return nil
}

func readErr(err error) error {
	if err == nil {
		return io.ErrNoProgress
	}
	return err
}

// preload takes bytes that arrived before the reader ran (after the
// handshake, or in the wake buffer).
func (m *msgReader) preload(b []byte) {
	if len(b) == 0 {
		return
	}
	m.buf = m.pool.get(len(b))
	m.r, m.w = 0, copy(*m.buf, b)
}

// compact moves the fragments joined so far and the unread bytes to the
// front of the buffer.
func (m *msgReader) compact() {
	buf := *m.buf
	to := 0
	if m.frag {
		if m.fragAt != 0 {
			copy(buf, buf[m.fragAt:m.fragAt+m.fragN])
			m.fragAt = 0
		}
		to = m.fragN
	}
	if m.r != to {
		m.w = to + copy(buf[to:], buf[m.r:m.w])
		m.r = to
	}
}

// release returns the buffer to the pool.
func (m *msgReader) release() {
	if m.buf != nil {
		m.pool.put(m.buf)
		m.buf = nil
	}
	m.r, m.w, m.frag, m.fragN, m.fragAt = 0, 0, false, 0, 0
}
