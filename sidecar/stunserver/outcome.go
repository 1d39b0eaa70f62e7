package stunserver

// outcome is what became of one received packet: a reply of some kind, or
// the reason it was dropped without one. Every packet gets exactly one.
type outcome uint8

const (
	// outSuccess: a Binding success response with XOR-MAPPED-ADDRESS.
	outSuccess outcome = iota
	// outUnknownAttribute: a 420 error response with UNKNOWN-ATTRIBUTES.
	outUnknownAttribute

	// dropNotSTUN: shorter than a header, first two bits set, or no magic
	// cookie (RFC 3489 "classic STUN" included: it has no cookie).
	dropNotSTUN
	// dropMalformed: the length field or an attribute runs past the
	// packet, the length is not a multiple of 4, or over maxAttributes.
	dropMalformed
	// dropTooBig: more than maxRequest bytes.
	dropTooBig
	// dropBadFingerprint: FINGERPRINT is wrong, not 4 bytes, or not last.
	dropBadFingerprint
	// dropNotRequest: an indication or a response.
	dropNotRequest
	// dropNotBinding: a request for another method (Allocate, ...).
	dropNotBinding
	// dropBadSource: a source no reply can go to (port 0, unspecified or
	// multicast address).
	dropBadSource
	// dropAmplification: even the smallest reply would exceed 1.6 times
	// the request (an IPv6 reply to a request under 28 bytes).
	dropAmplification
	// dropRateLimited: the source used up its token bucket.
	dropRateLimited

	numOutcomes
)

// firstDrop separates replies from drops.
const firstDrop = dropNotSTUN

// label is the metric label value of each outcome: a fixed, small set.
var outcomeLabels = [numOutcomes]string{
	outSuccess:          "success",
	outUnknownAttribute: "unknown_attribute",
	dropNotSTUN:         "not_stun",
	dropMalformed:       "malformed",
	dropTooBig:          "too_big",
	dropBadFingerprint:  "bad_fingerprint",
	dropNotRequest:      "not_request",
	dropNotBinding:      "not_binding",
	dropBadSource:       "bad_source",
	dropAmplification:   "amplification",
	dropRateLimited:     "rate_limited",
}

func (o outcome) String() string {
	if o < numOutcomes {
		return outcomeLabels[o]
	}
	return "invalid"
}

// replied reports whether the outcome sends a reply.
func (o outcome) replied() bool { return o < firstDrop }
