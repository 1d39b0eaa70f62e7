package tracker

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"
)

// maxTokenLen bounds ?token=: 20 digits, a dot and 43 base64 characters.
const maxTokenLen = 80

var errToken = errors.New("invalid token")

// token is a parsed ?token= value; it is checked against a stream on announce.
type token struct {
	expiry string
	mac    []byte
}

// NewToken returns the ?token= value that lets a viewer announce in the
// swarms of the stream with this swarm_id until expiry.
func NewToken(secret []byte, swarmID string, expiry time.Time) string {
	exp := strconv.FormatInt(expiry.Unix(), 10)
	return exp + "." + base64.RawURLEncoding.EncodeToString(tokenMAC(secret, swarmID, exp))
}

func tokenMAC(secret []byte, swarmID, expiry string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(swarmID))
	m.Write([]byte{'\n'})
	m.Write([]byte(expiry))
	return m.Sum(nil)
}

// parseToken checks the form and the expiry of a token.
func parseToken(s string, now time.Time) (*token, error) {
	if len(s) == 0 || len(s) > maxTokenLen {
		return nil, errToken
	}
	exp, macText, ok := strings.Cut(s, ".")
	if !ok || len(exp) == 0 || len(exp) > 19 {
		return nil, errToken
	}
	for _, c := range exp {
		if c < '0' || c > '9' {
			return nil, errToken
		}
	}
	sec, err := strconv.ParseInt(exp, 10, 64)
	if err != nil {
		return nil, errToken
	}
	if !now.Before(time.Unix(sec, 0)) {
		return nil, errors.New("token expired")
	}
	mac, err := base64.RawURLEncoding.DecodeString(macText)
	if err != nil || len(mac) != sha256.Size {
		return nil, errToken
	}
	return &token{expiry: exp, mac: mac}, nil
}

// allows reports whether the token was made for this swarm_id.
func (t *token) allows(secret []byte, swarmID string) bool {
	return hmac.Equal(t.mac, tokenMAC(secret, swarmID, t.expiry))
}
