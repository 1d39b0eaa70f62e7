package tracker

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// decodeJSON decodes b strictly (numbers kept exact) or fails the test.
func decodeJSON(t *testing.T, b []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || dec.More() {
		t.Fatalf("not one JSON object: %q (%v)", b, err)
	}
	return m
}

func checkEncoded(t *testing.T, ih, peerID, offerID, sdp string, interval, complete, incomplete int) {
	t.Helper()
	num := func(n int) json.Number { return json.Number(strings.TrimSpace(mustJSON(n))) }
	want := map[string]any{"action": "announce", "interval": num(interval), "info_hash": encodeBinary(ih),
		"complete": num(complete), "incomplete": num(incomplete)}
	if got := decodeJSON(t, appendAnnounceReply(nil, interval, ih, complete, incomplete)); !reflect.DeepEqual(got, want) {
		t.Fatalf("announce reply = %v, want %v", got, want)
	}

	obj := mustJSON(map[string]string{"type": "offer", "sdp": sdp})
	for _, key := range []string{"offer", "answer"} {
		got := decodeJSON(t, appendRelay(nil, key, json.RawMessage(obj), offerID, appendBinaryJSON(nil, peerID), appendBinaryJSON(nil, ih)))
		want := map[string]any{"action": "announce", key: decodeJSON(t, []byte(obj)),
			"offer_id": encodeBinary(offerID), "peer_id": encodeBinary(peerID), "info_hash": encodeBinary(ih)}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s relay = %v, want %v", key, got, want)
		}
	}

	for _, reason := range failureText {
		for _, action := range []string{actionAnnounce, actionScrape} {
			got := decodeJSON(t, appendFailure(nil, action, reason, ih))
			want := map[string]any{"action": action, "failure reason": reason}
			if ih != "" {
				want["info_hash"] = encodeBinary(ih)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("failure = %v, want %v", got, want)
			}
		}
	}
}

// TestEncodeEveryByte encodes ids holding every byte value: each must come
// back as the rune of the same value, which is what clients decode.
func TestEncodeEveryByte(t *testing.T) {
	for b := 0; b < 256; b += idLen {
		id := make([]byte, idLen)
		for i := range id {
			id[i] = byte(b + i)
		}
		checkEncoded(t, string(id), string(id[:10])+asciiID("P")[:10], id20(byte(b)), "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n<&>\u2028", 60, 1, 2)
	}
	checkEncoded(t, "", "", "", "", 0, 0, 0)
}

func FuzzEncodeReplies(f *testing.F) {
	f.Add([]byte(InfoHashFor(testSwarmID)), []byte(asciiID("A")), []byte(id20(7)), "v=0\r\n", 60, 0, 1)
	f.Add([]byte("\x00\"\\\x7f\x80\xff"), []byte{}, []byte("\x1f"), "\xff\xfe", -1, 1<<40, -7)
	f.Fuzz(func(t *testing.T, ih, peerID, offerID []byte, sdp string, interval, complete, incomplete int) {
		checkEncoded(t, string(ih), string(peerID), string(offerID), sdp, interval, complete, incomplete)
	})
}
