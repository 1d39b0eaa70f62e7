package main

import (
	"encoding/binary"
	"errors"
	"net/netip"
)

// STUN wire constants (RFC 8489).
const (
	headerSize     = 20
	magicCookie    = 0x2112A442
	bindingRequest = 0x0001
	bindingSuccess = 0x0101
	attrXORMapped  = 0x0020
	familyIPv4     = 0x01
	familyIPv6     = 0x02
)

// Why a reply is wrong. Sentinels, so checking a reply never allocates.
var (
	errMalformed   = errors.New("malformed STUN message")
	errNotSuccess  = errors.New("not a Binding success response")
	errNoMapped    = errors.New("no XOR-MAPPED-ADDRESS")
	errBadMapped   = errors.New("XOR-MAPPED-ADDRESS of a bad family or length")
	errWrongMapped = errors.New("XOR-MAPPED-ADDRESS is not the client's address")
)

// putRequest writes a bare 20-byte Binding request (what Chrome sends)
// whose transaction id is the worker's id and a sequence number, into b.
func putRequest(b []byte, worker uint32, seq uint64) {
	binary.BigEndian.PutUint16(b[0:2], bindingRequest)
	binary.BigEndian.PutUint16(b[2:4], 0)
	binary.BigEndian.PutUint32(b[4:8], magicCookie)
	binary.BigEndian.PutUint32(b[8:12], worker)
	binary.BigEndian.PutUint64(b[12:20], seq)
}

// checkReply parses a reply and checks that it is a well-formed Binding
// success response whose XOR-MAPPED-ADDRESS is want. It returns the
// transaction id's worker and sequence number (also on a wrong address,
// so the caller can tell the request it answered).
func checkReply(b []byte, want netip.AddrPort) (worker uint32, seq uint64, err error) {
	if len(b) < headerSize || binary.BigEndian.Uint32(b[4:8]) != magicCookie {
		return 0, 0, errMalformed
	}
	n := int(binary.BigEndian.Uint16(b[2:4]))
	if n%4 != 0 || headerSize+n != len(b) {
		return 0, 0, errMalformed
	}
	worker = binary.BigEndian.Uint32(b[8:12])
	seq = binary.BigEndian.Uint64(b[12:20])
	if binary.BigEndian.Uint16(b[0:2]) != bindingSuccess {
		return worker, seq, errNotSuccess
	}
	var mapped []byte
	for rest := b[headerSize:]; len(rest) > 0; {
		if len(rest) < 4 {
			return worker, seq, errMalformed
		}
		typ := binary.BigEndian.Uint16(rest[0:2])
		l := int(binary.BigEndian.Uint16(rest[2:4]))
		padded := (l + 3) &^ 3
		if padded > len(rest)-4 {
			return worker, seq, errMalformed
		}
		if typ == attrXORMapped && mapped == nil {
			mapped = rest[4 : 4+l]
		}
		rest = rest[4+padded:]
	}
	if mapped == nil {
		return worker, seq, errNoMapped
	}
	got, err := decodeXORMapped(mapped, b[4:20])
	if err != nil {
		return worker, seq, err
	}
	if got != want {
		return worker, seq, errWrongMapped
	}
	return worker, seq, nil
}

// decodeXORMapped decodes an XOR-MAPPED-ADDRESS value; key is the magic
// cookie followed by the transaction id, what the address is XORed with.
func decodeXORMapped(v, key []byte) (netip.AddrPort, error) {
	if len(v) < 4 || v[0] != 0 { // the first byte MUST be 0 (RFC 8489 §14.2)
		return netip.AddrPort{}, errBadMapped
	}
	port := binary.BigEndian.Uint16(v[2:4]) ^ uint16(magicCookie>>16)
	switch {
	case v[1] == familyIPv4 && len(v) == 8:
		var ip [4]byte
		for i := range ip {
			ip[i] = v[4+i] ^ key[i]
		}
		return netip.AddrPortFrom(netip.AddrFrom4(ip), port), nil
	case v[1] == familyIPv6 && len(v) == 20:
		var ip [16]byte
		for i := range ip {
			ip[i] = v[4+i] ^ key[i]
		}
		return netip.AddrPortFrom(netip.AddrFrom16(ip), port), nil
	}
	return netip.AddrPort{}, errBadMapped
}
