package srslog

import (
	"context"
	"crypto/rand"
)

type cidKey struct{}

// cidAlphabet matches the lowercase base36 ids SRS prints, e.g. "k2m5g8z1".
const cidAlphabet = "0123456789abcdefghijklmnopqrstuvwxyz"

// NewCID returns a fresh 8-character context id.
func NewCID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on Linux (Go 1.24+).
	for i := range b {
		b[i] = cidAlphabet[int(b[i])%len(cidAlphabet)]
	}
	return string(b[:])
}

// WithCID returns a context carrying cid, printed in every line logged with it.
func WithCID(ctx context.Context, cid string) context.Context {
	return context.WithValue(ctx, cidKey{}, cid)
}

// NewContext returns a context with a fresh cid.
func NewContext(ctx context.Context) context.Context {
	return WithCID(ctx, NewCID())
}

// CID returns the context id carried by ctx, or "".
func CID(ctx context.Context) string {
	if ctx == nil {
		return ""
	}
	s, _ := ctx.Value(cidKey{}).(string)
	return s
}
