package tracker

import (
	"encoding/json"
	"strconv"
)

// Hand-written encoders of the frames the tracker sends: encoding/json
// spent more time on reflection than on bytes, and three of these four
// shapes go out for every relayed message. Field order is the order the
// tracker has always sent. FuzzEncodeReplies decodes their output with
// encoding/json.

// appendAnnounceReply appends {"action":"announce","interval":N,"info_hash":…,"complete":C,"incomplete":I}.
func appendAnnounceReply(dst []byte, interval int, infoHash string, complete, incomplete int) []byte {
	dst = append(dst, `{"action":"announce","interval":`...)
	dst = strconv.AppendInt(dst, int64(interval), 10)
	dst = append(dst, `,"info_hash":`...)
	dst = appendBinaryJSON(dst, infoHash)
	dst = append(dst, `,"complete":`...)
	dst = strconv.AppendInt(dst, int64(complete), 10)
	dst = append(dst, `,"incomplete":`...)
	dst = strconv.AppendInt(dst, int64(incomplete), 10)
	return append(dst, '}')
}

// appendRelay appends an offer or an answer relayed to another peer:
// {"action":"announce",key:sdp,"offer_id":…,"peer_id":<sender>,"info_hash":…}.
// sdp is the valid JSON object the sender sent, copied as is; peerID and
// infoHash are already JSON strings (appendBinaryJSON), kept with the peer
// and the swarm.
func appendRelay(dst []byte, key string, sdp json.RawMessage, offerID string, peerID, infoHash []byte) []byte {
	dst = append(dst, `{"action":"announce","`...)
	dst = append(dst, key...)
	dst = append(dst, `":`...)
	dst = append(dst, sdp...)
	dst = append(dst, `,"offer_id":`...)
	dst = appendBinaryJSON(dst, offerID)
	dst = append(dst, `,"peer_id":`...)
	dst = append(dst, peerID...)
	dst = append(dst, `,"info_hash":`...)
	dst = append(dst, infoHash...)
	return append(dst, '}')
}

// appendFailure appends {"action":…,"failure reason":…,"info_hash":…};
// info_hash is left out when empty.
func appendFailure(dst []byte, action, reason, infoHash string) []byte {
	dst = append(dst, `{"action":`...)
	dst = appendTextJSON(dst, action)
	dst = append(dst, `,"failure reason":`...)
	dst = appendTextJSON(dst, reason)
	if infoHash != "" {
		dst = append(dst, `,"info_hash":`...)
		dst = appendBinaryJSON(dst, infoHash)
	}
	return append(dst, '}')
}

const hexDigits = "0123456789abcdef"

// appendBinaryJSON appends the bytes of id as a JSON string whose runes are
// those bytes (U+0000..U+00FF), the way bittorrent-tracker's clients
// expect binary strings.
func appendBinaryJSON(dst []byte, id string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
		case c < 0x80:
			dst = append(dst, c)
		default: // U+0080..U+00FF in UTF-8
			dst = append(dst, 0xC0|c>>6, 0x80|c&0x3F)
		}
	}
	return append(dst, '"')
}

// appendTextJSON appends the UTF-8 text s (the tracker's own constants) as
// a JSON string.
func appendTextJSON(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}

// scrapeFile is one swarm's entry in a scrape reply.
type scrapeFile struct {
	Complete   int `json:"complete"`
	Incomplete int `json:"incomplete"`
	Downloaded int `json:"downloaded"`
}

type scrapeReply struct {
	Action string                `json:"action"`
	Files  map[string]scrapeFile `json:"files"`
}

// appendScrapeReply encodes a scrape reply with encoding/json: scrapes are
// rare, and it sorts the files by info_hash.
func appendScrapeReply(dst []byte, files map[string]scrapeFile) []byte {
	b, err := json.Marshal(scrapeReply{Action: actionScrape, Files: files})
	if err != nil {
		panic("tracker: encode scrape reply: " + err.Error()) // cannot fail for these types
	}
	return append(dst, b...)
}
