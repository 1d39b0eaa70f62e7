package stunserver_test

import (
	"fmt"
	"net"
	"net/netip"

	"github.com/VictoriaMetrics/metrics"
	"github.com/pion/stun/v3"

	"github.com/webp2p/srs-p2p/sidecar/stunserver"
)

// A server on loopback ports picked by the kernel, its metrics registered
// globally for /metrics, and one Binding request to it with pion's client.
func ExampleNew() {
	s, err := stunserver.New(stunserver.Config{Listen: "127.0.0.1:0", AltListen: "127.0.0.1:0"})
	if err != nil {
		fmt.Println(err)
		return
	}
	metrics.RegisterSet(s.Metrics())
	defer func() {
		metrics.UnregisterSet(s.Metrics(), true)
		_ = s.Close()
	}()

	conn, err := net.DialUDP("udp4", nil, net.UDPAddrFromAddrPort(s.Addrs().UDP))
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := stun.NewClient(conn)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	var mapped stun.XORMappedAddress
	var replyErr error
	err = c.Do(stun.MustBuild(stun.TransactionID, stun.BindingRequest), func(e stun.Event) {
		replyErr = e.Error
		if replyErr == nil {
			replyErr = mapped.GetFrom(e.Message)
		}
	})
	if err != nil || replyErr != nil {
		fmt.Println(err, replyErr)
		return
	}
	local := conn.LocalAddr().(*net.UDPAddr).AddrPort()
	ip, _ := netip.AddrFromSlice(mapped.IP)
	fmt.Println(ip, uint16(mapped.Port) == local.Port())
	// Output: 127.0.0.1 true
}
