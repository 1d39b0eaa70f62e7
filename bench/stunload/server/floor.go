package main

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"syscall"

	"golang.org/x/net/ipv4"
	"golang.org/x/sys/unix"
)

// floorBatch matches the stunserver package's batch size.
const floorBatch = 32

// runFloor is the -floor mode: the least work a Go UDP server can do per
// Binding request with the same sockets (SO_REUSEPORT, one goroutine each)
// and the same x/net batch calls, but no parsing beyond the first bytes,
// no pion, no rate limiter, no metrics. Its CPU per request is the floor
// set by the kernel and the Go runtime on this machine, that no STUN
// server of this design can go below. It prints the same line as the
// real server and serves until ctx ends.
func runFloor(ctx context.Context, listen string, sockets int, stdout io.Writer) error {
	conns, err := floorListen(listen, sockets)
	if err != nil {
		return err
	}
	a := conns[0].LocalAddr().(*net.UDPAddr).AddrPort()
	fmt.Fprintf(stdout, "udp=%s alt_udp=%s tcp=%s\n", a, a, a)
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Go(func() { floorServe(c) })
	}
	<-ctx.Done()
	for _, c := range conns {
		c.Close()
	}
	wg.Wait()
	return nil
}

func floorListen(addr string, n int) ([]*net.UDPConn, error) {
	lc := net.ListenConfig{Control: func(_, _ string, rc syscall.RawConn) error {
		var serr error
		err := rc.Control(func(fd uintptr) {
			serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEPORT, 1)
		})
		return errors.Join(err, serr)
	}}
	var conns []*net.UDPConn
	for len(conns) < n {
		pc, err := lc.ListenPacket(context.Background(), "udp", addr)
		if err != nil {
			for _, c := range conns {
				c.Close()
			}
			return nil, err
		}
		c := pc.(*net.UDPConn)
		_ = c.SetReadBuffer(4 << 20)
		conns = append(conns, c)
		host, _, _ := net.SplitHostPort(addr)
		addr = net.JoinHostPort(host, strconv.Itoa(c.LocalAddr().(*net.UDPAddr).Port))
	}
	return conns, nil
}

// floorServe answers every 20-byte IPv4 Binding request with a 32-byte
// success response built by hand.
func floorServe(c *net.UDPConn) {
	pc := ipv4.NewPacketConn(c)
	in := make([]ipv4.Message, floorBatch)
	out := make([]ipv4.Message, floorBatch)
	for i := range in {
		in[i].Buffers = [][]byte{make([]byte, 1500)}
		out[i].Buffers = [][]byte{make([]byte, 32)}
	}
	for {
		n, err := pc.ReadBatch(in, 0)
		if err != nil {
			return
		}
		k := 0
		for _, m := range in[:n] {
			b := m.Buffers[0][:m.N]
			ua, ok := m.Addr.(*net.UDPAddr)
			ip4 := ua.IP.To4()
			if !ok || len(b) != 20 || b[0] != 0 || b[1] != 1 || ip4 == nil {
				continue
			}
			r := out[k].Buffers[0]
			binary.BigEndian.PutUint16(r[0:2], 0x0101)
			binary.BigEndian.PutUint16(r[2:4], 12)
			copy(r[4:20], b[4:20])
			binary.BigEndian.PutUint32(r[20:24], 0x00200008)
			binary.BigEndian.PutUint16(r[24:26], 1)
			binary.BigEndian.PutUint16(r[26:28], uint16(ua.Port)^0x2112)
			for i := range 4 {
				r[28+i] = ip4[i] ^ b[4+i]
			}
			out[k].Addr = m.Addr
			k++
		}
		for ms := out[:k]; len(ms) > 0; {
			sent, err := pc.WriteBatch(ms, 0)
			if err != nil {
				if errors.Is(err, net.ErrClosed) {
					return
				}
				sent = 1
			}
			ms = ms[max(sent, 1):]
		}
	}
}
