package tracker

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/gobwas/ws"
)

// rawClient is a minimal WebSocket client for the soak test and the
// benchmarks: a socket, a read buffer, and masked writes into a reused
// buffer, so thousands of them are cheap and the benchmark's allocations
// are the tracker's. The protocol tests use coder/websocket, a client
// written by others.
type rawClient struct {
	nc   net.Conn
	br   *bufio.Reader
	wbuf []byte
	rbuf []byte
}

// dialRaw connects to a tracker at addr (host:port) and upgrades.
func dialRaw(addr string) (*rawClient, error) {
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	_ = nc.SetDeadline(time.Now().Add(10 * time.Second))
	req := "GET /p2p/v1/tracker HTTP/1.1\r\nHost: " + addr + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
	if _, err := io.WriteString(nc, req); err != nil {
		nc.Close()
		return nil, err
	}
	br := bufio.NewReaderSize(nc, 4096)
	status, err := br.ReadString('\n')
	if err != nil || !strings.HasPrefix(status, "HTTP/1.1 101") {
		nc.Close()
		return nil, fmt.Errorf("handshake: %q %v", status, err)
	}
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			nc.Close()
			return nil, err
		}
		if line == "\r\n" {
			break
		}
	}
	_ = nc.SetDeadline(time.Time{})
	return &rawClient{nc: nc, br: br}, nil
}

var testMask = [4]byte{0x12, 0x9f, 0x00, 0xe7}

// write sends payload as one masked frame of type op.
func (c *rawClient) write(op ws.OpCode, payload []byte) error {
	c.wbuf = appendMaskedFrame(c.wbuf[:0], op, true, payload)
	_, err := c.nc.Write(c.wbuf)
	return err
}

// appendMaskedFrame appends a client frame (masked with testMask).
func appendMaskedFrame(dst []byte, op ws.OpCode, fin bool, payload []byte) []byte {
	b0 := byte(op)
	if fin {
		b0 |= 0x80
	}
	n := len(payload)
	switch {
	case n < 126:
		dst = append(dst, b0, 0x80|byte(n))
	case n <= 0xFFFF:
		dst = append(dst, b0, 0x80|126)
		dst = binary.BigEndian.AppendUint16(dst, uint16(n))
	default:
		dst = append(dst, b0, 0x80|127)
		dst = binary.BigEndian.AppendUint64(dst, uint64(n))
	}
	dst = append(dst, testMask[:]...)
	start := len(dst)
	dst = append(dst, payload...)
	ws.Cipher(dst[start:], testMask, 0)
	return dst
}

// read returns the next frame; the payload is valid until the next read.
func (c *rawClient) read() (ws.OpCode, []byte, error) {
	var hdr [10]byte
	if _, err := io.ReadFull(c.br, hdr[:2]); err != nil {
		return 0, nil, err
	}
	if hdr[1]&0x80 != 0 {
		return 0, nil, errors.New("masked frame from the server")
	}
	n := int(hdr[1] & 0x7f)
	switch n {
	case 126:
		if _, err := io.ReadFull(c.br, hdr[:2]); err != nil {
			return 0, nil, err
		}
		n = int(binary.BigEndian.Uint16(hdr[:2]))
	case 127:
		if _, err := io.ReadFull(c.br, hdr[:8]); err != nil {
			return 0, nil, err
		}
		n = int(binary.BigEndian.Uint64(hdr[:8]))
	}
	if cap(c.rbuf) < n {
		c.rbuf = make([]byte, n)
	}
	c.rbuf = c.rbuf[:n]
	if _, err := io.ReadFull(c.br, c.rbuf); err != nil {
		return 0, nil, err
	}
	return ws.OpCode(hdr[0] & 0x0f), c.rbuf, nil
}

// readUntil reads frames until one contains want.
func (c *rawClient) readUntil(want string) ([]byte, error) {
	for {
		_, p, err := c.read()
		if err != nil {
			return nil, err
		}
		if bytes.Contains(p, []byte(want)) {
			return p, nil
		}
	}
}

func (c *rawClient) close() { _ = c.nc.Close() }
