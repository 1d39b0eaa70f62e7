package stunserver

import (
	"net/netip"

	"github.com/pion/stun/v3"
)

// reason420 is the ERROR-CODE reason phrase of a 420 reply, left out when
// the amplification bound has no room for it (the code says it all).
var reason420 = []byte("Unknown Attribute")

// responder answers one request at a time. Each read loop owns one, so
// its buffers are reused and the hot path allocates nothing.
type responder struct {
	limiter  *limiter // nil only in tests: no rate limit
	software []byte   // nil: no SOFTWARE attribute
	// unbounded lifts the 1.6x reply bound. Only for TCP: a connection's
	// handshake proves the source address, so nobody can be made the
	// target of our replies, and IPv6 clients (whose smallest reply is 44
	// bytes) get an answer to a bare 20-byte request there.
	unbounded bool

	req     stun.Message
	res     stun.Message
	ip      [16]byte // backing array of the XOR-MAPPED-ADDRESS IP
	unknown [maxUnknownListed]stun.AttrType
}

func newResponder(l *limiter, software string) *responder {
	r := &responder{limiter: l}
	if software != "" {
		r.software = []byte(software)
	}
	r.req.Attributes = make(stun.Attributes, 0, maxAttributes)
	r.res.Attributes = make(stun.Attributes, 0, 4)
	return r
}

// maxReply is the most a reply to a request of n bytes may be: 1.6 n,
// rounded down, so no request can make us send more than it cost.
func maxReply(n int) int { return n * 8 / 5 }

// respond decides what to do with one packet from src received at now
// (nanoseconds on the server's clock) and, when it is a reply, writes it
// into out (which should have room for maxResponse bytes) and returns it.
// Every check that needs no shared state runs before the rate limiter, so
// garbage never spends a source's tokens.
func (r *responder) respond(pkt []byte, src netip.AddrPort, now int64, out []byte) ([]byte, outcome) {
	if o := checkFraming(pkt); o != outSuccess {
		return nil, o
	}
	addr := src.Addr().Unmap()
	if !addr.IsValid() || src.Port() == 0 || addr.IsUnspecified() || addr.IsMulticast() {
		return nil, dropBadSource
	}
	r.req.Raw = pkt
	if err := r.req.Decode(); err != nil {
		return nil, dropMalformed // checkFraming leaves Decode nothing to fail on
	}
	hasFP, ok := checkFingerprint(&r.req)
	switch {
	case !ok:
		return nil, dropBadFingerprint
	case r.req.Type.Class != stun.ClassRequest:
		return nil, dropNotRequest
	case r.req.Type.Method != stun.MethodBinding:
		return nil, dropNotBinding
	}
	fp := 0
	if hasFP {
		fp = fingerprintSize
	}
	budget := maxReply(len(pkt))
	if r.unbounded {
		budget = maxResponse
	}
	if n := unknownRequired(&r.req, r.unknown[:]); n > 0 {
		return r.reply420(n, fp, budget, addr, now, out)
	}
	ipLen := 16
	if addr.Is4() {
		ipLen = 4
	}
	size := headerSize + attrHeaderSize + 4 + ipLen + fp
	if size > budget {
		return nil, dropAmplification
	}
	software := r.software
	if size+attrHeaderSize+padded(len(software)) > budget {
		software = nil
	}
	if !r.limiter.allow(addr, now) {
		return nil, dropRateLimited
	}

	r.start(out, stun.BindingSuccess)
	if ipLen == 4 {
		a := addr.As4()
		copy(r.ip[:], a[:])
	} else {
		r.ip = addr.As16()
	}
	xma := stun.XORMappedAddress{IP: r.ip[:ipLen], Port: int(src.Port())}
	_ = xma.AddTo(&r.res) // fails only for an IP that is not 4 or 16 bytes
	if software != nil {
		r.res.Add(stun.AttrSoftware, software)
	}
	if hasFP {
		_ = stun.Fingerprint.AddTo(&r.res) // never fails
	}
	return r.res.Raw, outSuccess
}

// reply420 answers a Binding request that carries n comprehension-required
// attributes we do not know (RFC 8489 §6.3.1.1).
func (r *responder) reply420(n, fp, budget int, addr netip.Addr, now int64, out []byte) ([]byte, outcome) {
	size := headerSize + attrHeaderSize + 4 + attrHeaderSize + padded(2*n) + fp
	if size > budget {
		// Each unknown attribute cost the sender at least 4 bytes and
		// costs us 2, so this never happens; the check keeps the bound
		// local and obvious.
		return nil, dropAmplification
	}
	reason := reason420
	if size+padded(len(reason)) > budget {
		reason = nil
	}
	if !r.limiter.allow(addr, now) {
		return nil, dropRateLimited
	}
	r.start(out, stun.BindingError)
	code := stun.ErrorCodeAttribute{Code: stun.CodeUnknownAttribute, Reason: reason}
	_ = code.AddTo(&r.res) // fails only for a reason over 763 bytes
	_ = stun.UnknownAttributes(r.unknown[:n]).AddTo(&r.res)
	if fp > 0 {
		_ = stun.Fingerprint.AddTo(&r.res)
	}
	return r.res.Raw, outUnknownAttribute
}

// start begins a reply of type t to the current request in out.
func (r *responder) start(out []byte, t stun.MessageType) {
	r.res.Raw = out[:0]
	r.res.Reset()
	r.res.Type = t
	r.res.TransactionID = r.req.TransactionID
	r.res.WriteHeader()
}
