// Package streamtoken is the optional viewer token of srs-p2p: an HMAC-SHA256
// over a stream's swarm_id and an expiry, carried as ?token= on the tracker
// and pingback URLs. The origin's web page (or whatever authorizes viewers)
// mints it with New and the operator's secret; the tracker and the pingback
// endpoint check it with Parse and Allows. One token lets one viewer take
// part in one stream epoch until it expires.
package streamtoken

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"
)

// MaxLen bounds a token: up to 19 digits, a dot and 43 base64 characters.
const MaxLen = 80

var (
	// ErrInvalid is a token that is not of the form New makes.
	ErrInvalid = errors.New("invalid token")
	// ErrExpired is a well-formed token past its expiry.
	ErrExpired = errors.New("token expired")
)

// Token is a parsed token whose form and expiry were checked; Allows checks
// that it was made for a stream.
type Token struct {
	expiry string
	mac    []byte
}

// New returns the token that admits a viewer of the stream with this
// swarm_id until expiry.
func New(secret []byte, swarmID string, expiry time.Time) string {
	exp := strconv.FormatInt(expiry.Unix(), 10)
	return exp + "." + base64.RawURLEncoding.EncodeToString(mac(secret, swarmID, exp))
}

func mac(secret []byte, swarmID, expiry string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(swarmID))
	m.Write([]byte{'\n'})
	m.Write([]byte(expiry))
	return m.Sum(nil)
}

// Parse checks the form and the expiry of a token taken from outside.
func Parse(s string, now time.Time) (*Token, error) {
	if len(s) == 0 || len(s) > MaxLen {
		return nil, ErrInvalid
	}
	exp, macText, ok := strings.Cut(s, ".")
	if !ok || len(exp) == 0 || len(exp) > 19 {
		return nil, ErrInvalid
	}
	for _, c := range exp {
		if c < '0' || c > '9' {
			return nil, ErrInvalid
		}
	}
	sec, err := strconv.ParseInt(exp, 10, 64)
	if err != nil {
		return nil, ErrInvalid
	}
	if !now.Before(time.Unix(sec, 0)) {
		return nil, ErrExpired
	}
	m, err := base64.RawURLEncoding.DecodeString(macText)
	if err != nil || len(m) != sha256.Size {
		return nil, ErrInvalid
	}
	return &Token{expiry: exp, mac: m}, nil
}

// Allows reports whether the token was made with secret for this swarm_id.
func (t *Token) Allows(secret []byte, swarmID string) bool {
	return hmac.Equal(t.mac, mac(secret, swarmID, t.expiry))
}
