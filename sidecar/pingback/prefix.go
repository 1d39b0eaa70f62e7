package pingback

import (
	"net/http"
	"net/netip"
	"strings"
)

// Network prefix lengths that make "one client network": a home or office
// behind one IPv4 /24, one IPv6 site (/48).
const (
	ipv4PrefixBits = 24
	ipv6PrefixBits = 48
)

// maxForwardedFor bounds how much of X-Forwarded-For is looked at.
const maxForwardedFor = 1024

// clientPrefix returns the network prefix of the client that sent r: from
// the connection's address, or with trustProxy from the last
// X-Forwarded-For entry (the address the trusted proxy saw; entries before
// it are whatever the client wrote). A missing or bad header falls back to
// the connection's address. ok is false only when neither parses.
func clientPrefix(r *http.Request, trustProxy bool) (netip.Prefix, bool) {
	if trustProxy {
		if a, ok := lastForwardedFor(r.Header.Values("X-Forwarded-For")); ok {
			return prefixOf(a), true
		}
	}
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		a, err := netip.ParseAddr(r.RemoteAddr)
		if err != nil {
			return netip.Prefix{}, false
		}
		return prefixOf(a), true
	}
	return prefixOf(ap.Addr()), true
}

func lastForwardedFor(values []string) (netip.Addr, bool) {
	if len(values) == 0 {
		return netip.Addr{}, false
	}
	v := values[len(values)-1]
	if len(v) > maxForwardedFor {
		v = v[len(v)-maxForwardedFor:]
	}
	if i := strings.LastIndexByte(v, ','); i >= 0 {
		v = v[i+1:]
	}
	v = strings.TrimSpace(v)
	if a, err := netip.ParseAddr(v); err == nil {
		return a, true
	}
	if ap, err := netip.ParseAddrPort(v); err == nil {
		return ap.Addr(), true
	}
	return netip.Addr{}, false
}

// prefixOf masks a to its client network; IPv4-mapped IPv6 counts as IPv4.
func prefixOf(a netip.Addr) netip.Prefix {
	a = a.Unmap().WithZone("")
	bits := ipv6PrefixBits
	if a.Is4() {
		bits = ipv4PrefixBits
	}
	p, _ := a.Prefix(bits)
	return p
}
