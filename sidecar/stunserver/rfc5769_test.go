package stunserver

import (
	"bytes"
	"encoding/hex"
	"net/netip"
	"strings"
	"testing"

	"github.com/pion/stun/v3"
)

// The test vectors of RFC 5769, typed from the RFC (hex, one 4-byte row
// per line as printed there).
var (
	// §2.1: a Binding request (an ICE check) with SOFTWARE, PRIORITY,
	// ICE-CONTROLLED, USERNAME, MESSAGE-INTEGRITY and FINGERPRINT.
	rfc5769Request = rfcHex(`
		00 01 00 58  21 12 a4 42  b7 e7 a7 01  bc 34 d6 86  fa 87 df ae
		80 22 00 10  53 54 55 4e  20 74 65 73  74 20 63 6c  69 65 6e 74
		00 24 00 04  6e 00 01 ff  80 29 00 08  93 2f f9 b1  51 26 3b 36
		00 06 00 09  65 76 74 6a  3a 68 36 76  59 20 20 20
		00 08 00 14  9a ea a7 0c  bf d8 cb 56  78 1e f2 b5  b2 d3 f2 49  c1 b5 71 a2
		80 28 00 04  e5 7a 3b cf`)

	// §2.2: the Binding success response for 192.0.2.1:32853.
	rfc5769IPv4Response = rfcHex(`
		01 01 00 3c  21 12 a4 42  b7 e7 a7 01  bc 34 d6 86  fa 87 df ae
		80 22 00 0b  74 65 73 74  20 76 65 63  74 6f 72 20
		00 20 00 08  00 01 a1 47  e1 12 a6 43
		00 08 00 14  2b 91 f5 99  fd 9e 90 c3  8c 74 89 f9  2a f9 ba 53  f0 6b e7 d7
		80 28 00 04  c0 7d 4c 96`)

	// §2.3: the Binding success response for
	// [2001:db8:1234:5678:11:2233:4455:6677]:32853.
	rfc5769IPv6Response = rfcHex(`
		01 01 00 48  21 12 a4 42  b7 e7 a7 01  bc 34 d6 86  fa 87 df ae
		80 22 00 0b  74 65 73 74  20 76 65 63  74 6f 72 20
		00 20 00 14  00 02 a1 47  01 13 a9 fa  a5 d3 f1 79  bc 25 f4 b5  be d2 b9 d9
		00 08 00 14  a3 82 95 4e  4b e6 7b f1  17 84 c9 7c  82 92 c2 75  bf e3 ed 41
		80 28 00 04  c8 fb 0b 4c`)

	// §2.4: a Binding request with long-term credentials (USERNAME,
	// NONCE, REALM, MESSAGE-INTEGRITY; no FINGERPRINT).
	rfc5769LongTermRequest = rfcHex(`
		00 01 00 60  21 12 a4 42  78 ad 34 33  c6 ad 72 c0  29 da 41 2e
		00 06 00 12  e3 83 9e e3  83 88 e3 83  aa e3 83 83  e3 82 af e3  82 b9 00 00
		00 15 00 1c  66 2f 2f 34  39 39 6b 39  35 34 64 36  4f 4c 33 34  6f 4c 39 46
		             53 54 76 79  36 34 73 41
		00 14 00 0b  65 78 61 6d  70 6c 65 2e  6f 72 67 00
		00 08 00 14  f6 70 24 65  6d d6 4a 3e  02 b8 e0 71  2e 85 c9 a2  8c a8 96 66`)

	rfc5769IPv4 = netip.MustParseAddrPort("192.0.2.1:32853")
	rfc5769IPv6 = netip.MustParseAddrPort("[2001:db8:1234:5678:11:2233:4455:6677]:32853")
)

func rfcHex(s string) []byte {
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		panic(err)
	}
	return b
}

// TestRFC5769VectorsTranscribed proves the vectors above were typed right:
// their MESSAGE-INTEGRITY and FINGERPRINT check with the RFC's passwords.
func TestRFC5769VectorsTranscribed(t *testing.T) {
	short := stun.NewShortTermIntegrity("VOkJxbRl1RmTxUk/WvJxBt")
	long := stun.NewLongTermIntegrity("\u30de\u30c8\u30ea\u30c3\u30af\u30b9", "example.org", "TheMatrIX")
	tests := []struct {
		name      string
		raw       []byte
		integrity stun.MessageIntegrity
		fp        bool
	}{
		{"2.1 request", rfc5769Request, short, true},
		{"2.2 IPv4 response", rfc5769IPv4Response, short, true},
		{"2.3 IPv6 response", rfc5769IPv6Response, short, true},
		{"2.4 long-term request", rfc5769LongTermRequest, long, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := new(stun.Message)
			if err := stun.Decode(bytes.Clone(tt.raw), m); err != nil {
				t.Fatal(err)
			}
			if err := tt.integrity.Check(m); err != nil {
				t.Errorf("MESSAGE-INTEGRITY: %v", err)
			}
			if tt.fp {
				if err := stun.Fingerprint.Check(m); err != nil {
					t.Errorf("FINGERPRINT: %v", err)
				}
			}
		})
	}
}

// TestRFC5769Requests: both sample requests are answered (the server does
// no authentication, so credentials are ignored), with FINGERPRINT only
// for the one that carried it.
func TestRFC5769Requests(t *testing.T) {
	for name, req := range map[string][]byte{"2.1": rfc5769Request, "2.4": rfc5769LongTermRequest} {
		for _, src := range []netip.AddrPort{rfc5769IPv4, rfc5769IPv6} {
			reply, o := respondOnce(req, src, "")
			if o != outSuccess {
				t.Fatalf("%s from %v: outcome %v, want success", name, src, o)
			}
			m := checkReply(t, req, reply)
			if got := mappedAddr(t, m); got != src {
				t.Errorf("%s: mapped %v, want %v", name, got, src)
			}
		}
	}
}

// TestRFC5769Responses: responses are never answered, and our
// XOR-MAPPED-ADDRESS for the RFC's transaction and addresses is
// byte-for-byte the RFC's.
func TestRFC5769Responses(t *testing.T) {
	tests := []struct {
		name     string
		response []byte
		src      netip.AddrPort
		xma      []byte // the attribute as the RFC encodes it
	}{
		{"2.2 IPv4", rfc5769IPv4Response, rfc5769IPv4, rfcHex("00 20 00 08  00 01 a1 47  e1 12 a6 43")},
		{"2.3 IPv6", rfc5769IPv6Response, rfc5769IPv6, rfcHex(`00 20 00 14  00 02 a1 47
			01 13 a9 fa  a5 d3 f1 79  bc 25 f4 b5  be d2 b9 d9`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if reply, o := respondOnce(tt.response, tt.src, ""); o != dropNotRequest || reply != nil {
				t.Fatalf("the sample response got %v, want dropped as not_request", o)
			}
			// The same transaction as a request, padded with SOFTWARE so
			// an IPv6 reply fits the 1.6x bound.
			req := bindingRequest(false, attr(stun.AttrSoftware, "test"))
			copy(req[8:20], tt.response[8:20])
			reply, o := respondOnce(req, tt.src, "")
			if o != outSuccess {
				t.Fatalf("outcome %v, want success", o)
			}
			if !bytes.Contains(reply, tt.xma) {
				t.Fatalf("reply % x\ndoes not contain the RFC's XOR-MAPPED-ADDRESS % x", reply, tt.xma)
			}
		})
	}
}
