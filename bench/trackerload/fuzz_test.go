package main

import (
	"strings"
	"testing"
)

// The trackers' frames, the children's stdout and the npm project's
// package.json files are input this program does not control: parsers
// must never panic and must keep their promises.

func FuzzClassify(f *testing.F) {
	f.Add([]byte(`{"action":"announce","interval":60,"info_hash":"` + alice.infoHash + `","complete":0,"incomplete":2}`))
	f.Add(appendAnnounce(nil, alice, "started", []string{"offer0000000000000001"}, 5))
	f.Add([]byte(`{"action":"announce","offer":{"type":"offer","sdp":"v=0 trackerload offer -TL0001-aaaaaaaaaaaa o 0 5"},"offer_id":"o","peer_id":"-TL0001-aaaaaaaaaaaa","info_hash":"` + alice.infoHash + `"}`))
	f.Add([]byte(`{"action":"announce","answer":{"type":"answer","sdp":"v=0 trackerload answer b o -TL0001-bbbbbbbbbbbb 5"},"offer_id":"o","peer_id":"b","info_hash":"` + alice.infoHash + `"}`))
	f.Add([]byte(`{"failure reason":"x"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		kind, offer, sent, err := classify(data, bob)
		if err != nil {
			return
		}
		switch kind {
		case kindOffer:
			if offer.offerer == bob.peerID || offer.offerer == "" || offer.offerID == "" || offer.sent < 0 {
				t.Fatalf("accepted offer %+v from %q", offer, data)
			}
			// Our answer to it must be one frame of valid JSON: the
			// relayed ids go into it as they came.
			if strings.ContainsAny(offer.offerer+offer.offerID, "\" \\") {
				t.Fatalf("accepted ids that break the answer: %+v", offer)
			}
		case kindAnswer:
			if sent < 0 {
				t.Fatalf("accepted answer with send time %v from %q", sent, data)
			}
		case kindWrong:
			t.Fatalf("kindWrong without an error for %q", data)
		}
	})
}

func FuzzParseAddrLine(f *testing.F) {
	f.Add(serverOurs, "addr=127.0.0.1:4242")
	f.Add(serverBaseline, "ws://127.0.0.1:35885")
	f.Add(serverBaseline, "ws://[::1]:1")
	f.Fuzz(func(t *testing.T, name, line string) {
		url, err := parseAddrLine(name, line)
		if err != nil {
			return
		}
		if !strings.HasPrefix(url, "ws://127.") && !strings.HasPrefix(url, "ws://[::1]:") {
			t.Fatalf("parseAddrLine(%q, %q) = %q: not loopback", name, line, url)
		}
	})
}

func FuzzPackageJSON(f *testing.F) {
	f.Add([]byte(`{"name":"bittorrent-tracker","version":"11.2.3","dependencies":{"bittorrent-tracker":"11.2.3"}}`))
	f.Add([]byte(`{"dependencies":{"bittorrent-tracker":"^11"}}`))
	f.Add([]byte(`v20.20.2`))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, parse := range []func([]byte) (string, error){parsePinned, parseInstalled} {
			if v, err := parse(b); err == nil && !isExactVersion(v) {
				t.Fatalf("accepted version %q from %q", v, b)
			}
		}
		if major, ok := nodeMajor(string(b)); ok && (major < 0 || major > 9999) {
			t.Fatalf("nodeMajor(%q) = %d", b, major)
		}
	})
}
