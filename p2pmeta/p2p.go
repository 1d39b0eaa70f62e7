package p2pmeta

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// validate checks the public endpoints. They end up in a browser's WebSocket, RTCPeerConnection and
// fetch calls, so each must be an absolute URL of the right scheme with a host.
func (p *P2P) validate() error {
	if len(p.Trackers) > maxURLs {
		return &FieldError{Field: "p2p.trackers", Reason: fmt.Sprintf("more than %d entries", maxURLs)}
	}
	for i, u := range p.Trackers {
		if reason := checkURL(u, "ws", "wss"); reason != "" {
			return &FieldError{Field: "p2p.trackers[" + strconv.Itoa(i) + "]", Reason: reason}
		}
	}
	if len(p.STUN) > maxURLs {
		return &FieldError{Field: "p2p.stun", Reason: fmt.Sprintf("more than %d entries", maxURLs)}
	}
	for i, u := range p.STUN {
		if reason := checkSTUN(u); reason != "" {
			return &FieldError{Field: "p2p.stun[" + strconv.Itoa(i) + "]", Reason: reason}
		}
	}
	// An empty pingback means the origin collects no reports.
	if p.Pingback != "" {
		if reason := checkURL(p.Pingback, "http", "https"); reason != "" {
			return &FieldError{Field: "p2p.pingback", Reason: reason}
		}
	}
	return nil
}

// checkURL returns why s is not an absolute hierarchical URL with one of the schemes, or "".
func checkURL(s string, schemes ...string) string {
	if reason := checkURLChars(s); reason != "" {
		return reason
	}
	u, err := url.Parse(s)
	if err != nil {
		return "not a URL"
	}
	switch {
	case !slices.Contains(schemes, u.Scheme):
		return "scheme not " + strings.Join(schemes, " or ")
	case u.Opaque != "" || !validHost(u.Hostname()):
		return "no valid host"
	case u.User != nil:
		return "has user info"
	case u.Fragment != "" || strings.Contains(s, "#"):
		return "has a #fragment"
	}
	if reason := checkPort(u.Port(), strings.HasSuffix(u.Host, ":")); reason != "" {
		return reason
	}
	return ""
}

// checkSTUN returns why s is not an RFC 7064 URI "stun:host[:port]" or "stuns:host[:port]", or "".
func checkSTUN(s string) string {
	if reason := checkURLChars(s); reason != "" {
		return reason
	}
	scheme, hostport, ok := strings.Cut(s, ":")
	if !ok || scheme != "stun" && scheme != "stuns" {
		return "scheme not stun or stuns"
	}
	if strings.ContainsAny(hostport, "/?#@") {
		return "not host[:port]"
	}
	host := hostport
	if h, port, err := net.SplitHostPort(hostport); err == nil {
		host = h
		if reason := checkPort(port, port == ""); reason != "" {
			return reason
		}
	} else if inner, ok := strings.CutPrefix(hostport, "["); ok && strings.HasSuffix(inner, "]") {
		host = strings.TrimSuffix(inner, "]") // an IPv6 literal without a port
		if net.ParseIP(host) == nil {
			return "no valid host"
		}
	} else if strings.ContainsAny(hostport, ":[]") {
		return "not host[:port]"
	}
	if !validHost(host) {
		return "no valid host"
	}
	return ""
}

// checkPort accepts no port or 1..65535; empty marks "host:" with nothing after the colon.
func checkPort(port string, empty bool) string {
	if empty {
		return "empty port"
	}
	if port == "" {
		return ""
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || n == 0 {
		return "port not 1..65535"
	}
	return ""
}

// validHost accepts an IP address or a DNS name made of letters, digits, "-" and ".".
func validHost(h string) bool {
	if net.ParseIP(h) != nil {
		return true
	}
	if h == "" || len(h) > 253 {
		return false
	}
	for i := 0; i < len(h); i++ {
		if c := h[i]; !isAlnum(c) && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

// checkURLChars keeps URLs to RFC 3986 characters, so they need no JSON escaping and hold no spaces.
func checkURLChars(s string) string {
	if s == "" {
		return "empty"
	}
	if len(s) > maxURLLen {
		return fmt.Sprintf("longer than %d bytes", maxURLLen)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) && strings.IndexByte("-._~:/?#[]@!$&'()*+,;=%", c) < 0 {
			return fmt.Sprintf("character %q not allowed in a URL", c)
		}
	}
	return ""
}
