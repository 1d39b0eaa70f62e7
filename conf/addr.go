package conf

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// checkListen accepts "host:port" or ":port" with a numeric port 0..65535.
// Port 0 is allowed because tests bind ephemeral ports; named ports
// ("http") are not, because the operator must see the number.
func checkListen(key, s string) error {
	if len(s) > maxListenBytes {
		return invalid(key, "must be at most %d bytes (len %d)", maxListenBytes, len(s))
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return invalid(key, `must be host:port or :port, like ":8085" (got %s)`, quote(s))
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return invalid(key, "must have a numeric port 0..65535 (got %s)", quote(s))
	}
	if hasSpaceOrControl(host) {
		return invalid(key, "must not contain spaces or control characters (got %s)", quote(s))
	}
	return nil
}

// portOf returns the port of a listen address already checked by
// checkListen, or 0.
func portOf(s string) uint64 {
	_, port, _ := net.SplitHostPort(s)
	p, _ := strconv.ParseUint(port, 10, 16)
	return p
}

// checkOriginID keeps origin ids safe inside swarm ids
// ("srs-p2p:<origin>/<vhost>/..."): no separators, bounded like a DNS name.
func checkOriginID(s string) error {
	if s == "" || len(s) > maxOriginBytes {
		return fmt.Errorf("must be 1..%d bytes", maxOriginBytes)
	}
	for i := range len(s) {
		b := s[i]
		ok := b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '.' || b == '-' || b == '_'
		if !ok {
			return errors.New("may only hold letters, digits, '.', '-' and '_'")
		}
	}
	return nil
}

// parseAllow parses a hooks.allow item: a CIDR (masked, so "10.1.2.3/8"
// means 10.0.0.0/8) or a bare IP widened to a single-address prefix.
func parseAllow(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, err
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	if a.Zone() != "" {
		return netip.Prefix{}, errors.New("an IPv6 zone cannot be matched")
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// checkPublicURL checks a URL handed to viewers: one of schemes, a host,
// a valid port if any, and no credentials (every viewer would see them).
func checkPublicURL(s string, schemes ...string) error {
	if len(s) > maxURLBytes {
		return fmt.Errorf("must be at most %d bytes", maxURLBytes)
	}
	if hasSpaceOrControl(s) {
		return errors.New("must not contain spaces or control characters")
	}
	u, err := url.Parse(s)
	if err != nil {
		return errors.New("is not a URL")
	}
	if !slices.Contains(schemes, u.Scheme) {
		return fmt.Errorf("must start with %s://", strings.Join(schemes, ":// or "))
	}
	if u.Opaque != "" || u.Hostname() == "" {
		return fmt.Errorf("must be %s://host/...", u.Scheme)
	}
	if u.User != nil {
		return errors.New("must not carry a user name or password: every viewer sees it")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.ParseUint(p, 10, 16); err != nil || n == 0 {
			return errors.New("must have a port 1..65535")
		}
	}
	return nil
}

// checkSTUNURL accepts RFC 7064 STUN URIs as browsers take them in
// RTCIceServer.urls: "stun:host" or "stun:host:port", an IPv6 host in
// brackets. No "//", path, query or user part.
func checkSTUNURL(s string) error {
	if len(s) > maxURLBytes {
		return fmt.Errorf("must be at most %d bytes", maxURLBytes)
	}
	rest, ok := strings.CutPrefix(s, "stun:")
	if !ok {
		return errors.New(`must start with "stun:"`)
	}
	if strings.ContainsAny(rest, "/?#@") || hasSpaceOrControl(rest) {
		return errors.New(`must be "stun:host" or "stun:host:port"`)
	}
	host, port := rest, ""
	if strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return errors.New("has an unclosed '[' around its IPv6 address")
		}
		host = rest[1:end]
		after := rest[end+1:]
		if after != "" {
			var ok bool
			if port, ok = strings.CutPrefix(after, ":"); !ok {
				return errors.New(`must be "stun:[ipv6]" or "stun:[ipv6]:port"`)
			}
		}
		if a, err := netip.ParseAddr(host); err != nil || !a.Is6() || a.Zone() != "" {
			return errors.New("must hold an IPv6 address inside [...]")
		}
	} else {
		if strings.Count(rest, ":") > 1 {
			return errors.New("must put an IPv6 address in brackets: stun:[::1]:3478")
		}
		host, port, _ = strings.Cut(rest, ":")
		if !isHostName(host) {
			return errors.New("must have a host name or IPv4 address")
		}
	}
	if strings.HasSuffix(rest, ":") || port != "" {
		if n, err := strconv.ParseUint(port, 10, 16); err != nil || n == 0 {
			return errors.New("must have a port 1..65535")
		}
	}
	return nil
}

// isHostName accepts a DNS name or IPv4 address: letters, digits, '-' and
// '.', not empty.
func isHostName(s string) bool {
	if s == "" || len(s) > maxOriginBytes {
		return false
	}
	for i := range len(s) {
		b := s[i]
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '.' || b == '-') {
			return false
		}
	}
	return true
}
