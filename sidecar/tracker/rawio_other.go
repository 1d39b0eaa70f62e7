//go:build !unix

package tracker

import (
	"errors"
	"syscall"
)

// rawIO: this platform's sockets are used through net.Conn only. Reads
// then wait in a wakeBytes read, and every flush goes to a writer
// goroutine.
const rawIO = false

type rawWrite struct{}

func (w *rawWrite) writeNow(syscall.RawConn, []byte) (int, error) { return 0, nil }

func readPooled(syscall.RawConn, *bufPool) (*[]byte, int, error) {
	return nil, 0, errors.New("tracker: no raw socket reads on this platform")
}
