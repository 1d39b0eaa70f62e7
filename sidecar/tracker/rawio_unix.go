//go:build unix

package tracker

import (
	"io"
	"sync"
	"syscall"
)

// rawIO: sockets are read and written through their file descriptors
// where that saves a goroutine, a syscall or a pinned buffer.
const rawIO = true

// rawWrite writes to a socket without waiting: what the socket buffer
// takes now is written, the rest is left to a writer goroutine. Its
// callback is made once and reused, so a write allocates nothing.
type rawWrite struct {
	p   []byte
	n   int
	err error
	fn  func(fd uintptr) bool
}

// writeNow writes as much of p as the socket takes at once.
func (w *rawWrite) writeNow(rc syscall.RawConn, p []byte) (int, error) {
	if w.fn == nil {
		w.fn = w.write
	}
	w.p, w.n, w.err = p, 0, nil
	err := rc.Write(w.fn)
	n := w.n
	if err == nil {
		err = w.err
	}
	w.p, w.err = nil, nil
	return n, err
}

// write runs with the socket's write lock held; returning true means
// "do not wait for the socket to become writable".
func (w *rawWrite) write(fd uintptr) bool {
	for w.n < len(w.p) {
		m, err := syscall.Write(int(fd), w.p[w.n:])
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
			return true
		case err != nil:
			w.err = err
			return true
		case m <= 0:
			return true
		}
		w.n += m
	}
	return true
}

// rawRead reads a socket into a pooled buffer taken only once bytes are
// there: a connection parked waiting for its client holds no buffer, and
// a message costs no extra read into a small buffer first.
type rawRead struct {
	pool *bufPool
	buf  *[]byte
	n    int
	err  error
	fn   func(fd uintptr) bool
}

var rawReadPool = sync.Pool{New: func() any {
	r := &rawRead{}
	r.fn = r.read
	return r
}}

// readPooled waits until rc is readable and reads into a buffer from pool.
func readPooled(rc syscall.RawConn, pool *bufPool) (*[]byte, int, error) {
	r := rawReadPool.Get().(*rawRead)
	r.pool = pool
	err := rc.Read(r.fn)
	buf, n := r.buf, r.n
	if err == nil {
		err = r.err
	}
	r.pool, r.buf, r.n, r.err = nil, nil, 0, nil
	rawReadPool.Put(r)
	return buf, n, err
}

// read runs with the socket's read lock held; returning false waits for
// the socket to become readable and calls it again. It must try to read
// every time: the poller forgets readiness seen before the call.
func (r *rawRead) read(fd uintptr) bool {
	b := r.pool.get(minReadBuf)
	for {
		n, err := syscall.Read(int(fd), *b)
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
			r.pool.put(b)
			return false
		case err != nil:
			r.err = err
		case n == 0:
			r.err = io.EOF
		default:
			r.buf, r.n = b, n
			return true
		}
		r.pool.put(b)
		return true
	}
}
