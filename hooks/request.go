package hooks

import "context"

// The SRS hook actions. on_hls_notify is a GET without a body; all others
// are POSTed JSON objects.
const (
	actionConnect   = "on_connect"
	actionClose     = "on_close"
	actionPublish   = "on_publish"
	actionUnpublish = "on_unpublish"
	actionPlay      = "on_play"
	actionStop      = "on_stop"
	actionDVR       = "on_dvr"
	actionHLS       = "on_hls"
	actionHLSNotify = "on_hls_notify"
)

// actions lists every known action; the index is the metric's action index,
// and len(actions) stands for "unknown".
var actions = [...]string{
	actionConnect, actionClose, actionPublish, actionUnpublish, actionPlay,
	actionStop, actionDVR, actionHLS, actionHLSNotify,
}

// unknownAction is the metric label and index for anything else.
const unknownAction = "unknown"

const unknownActionIndex = len(actions)

// actionIndex returns the index of a known action, or unknownActionIndex.
func actionIndex(a string) int {
	for i, known := range actions {
		if a == known {
			return i
		}
	}
	return unknownActionIndex
}

// Request is one SRS hook body. Field names and JSON tags are exactly SRS's
// (note the camelCase tcUrl and pageUrl); the comments show values SRS
// 6.0.157, 6.0.183 and 7.0.128 sent. Which fields are present depends on the
// action and the SRS version: SRS 4 lacks service_id, stream_url, stream_id
// and tcUrl; SRS 7 adds clients to on_play and on_stop. Fields SRS may add in
// the future are ignored by Decode.
type Request struct {
	ServerID  string `json:"server_id"`  // "vid-e38ice4", the SRS process
	ServiceID string `json:"service_id"` // "552723c4"; not in SRS 4
	Action    string `json:"action"`     // "on_publish"
	ClientID  string `json:"client_id"`  // "6amn4uue", SRS's context id of the connection
	IP        string `json:"ip"`         // "127.0.0.1", the client's address as SRS saw it
	Vhost     string `json:"vhost"`      // "__defaultVhost__"
	App       string `json:"app"`        // "live"
	TcURL     string `json:"tcUrl"`      // "rtmp://127.0.0.1:1935/live"; not in SRS 4
	Stream    string `json:"stream"`     // "livestream"; "livestream.m3u8" for an HLS viewer's on_play; not in on_close
	Param     string `json:"param"`      // "?token=abc123&foo=bar", the client URL's query, may be ""
	PageURL   string `json:"pageUrl"`    // "" (on_connect, on_play)
	StreamURL string `json:"stream_url"` // "/live/livestream" or "hls.slow/live/s-hlsslow"; not in SRS 4
	StreamID  string `json:"stream_id"`  // "vid-n224933", one publish session; not in SRS 4

	// on_hls. Duration has two decimals (2.02, 0.96; 0.00 for SRS 7's init.mp4).
	Duration float64 `json:"duration"`
	Cwd      string  `json:"cwd"`      // "/usr/local/srs", SRS's working dir (also on_dvr); never used
	File     string  `json:"file"`     // "/data/hls/live/livestream-0.ts", SRS's path (also on_dvr); never used
	URL      string  `json:"url"`      // "live/livestream-0.ts", relative to hls_path
	M3U8     string  `json:"m3u8"`     // "/data/hls/live/livestream.m3u8", SRS's path; never used
	M3U8URL  string  `json:"m3u8_url"` // "live/livestream.m3u8", relative to hls_path
	SeqNo    int64   `json:"seq_no"`   // 0, 1, 2 ... the segment's media sequence number

	// on_close.
	SendBytes int64 `json:"send_bytes"` // 126048
	RecvBytes int64 `json:"recv_bytes"` // 3510

	// SRS 7 on_play/on_stop.
	Clients int64 `json:"clients"` // 2
}

// Epoch returns the publish session id of r: stream_id when SRS sent it
// (SRS 5+), else client_id (SRS 4, where the publisher's connection id is
// the only session id).
func Epoch(r *Request) string {
	return epochOf(r.StreamID, r.ClientID)
}

func epochOf(streamID, clientID string) string {
	if streamID != "" {
		return streamID
	}
	return clientID
}

// Publish is an accepted on_publish or an on_unpublish.
type Publish struct {
	Vhost, App, Stream string
	StreamID           string // "" from SRS 4; see Epoch
	ClientID           string
	ServerID           string
	Param              string // the client's query with every secret= value redacted
}

// Epoch returns StreamID, or ClientID when SRS did not send a stream_id.
func (p Publish) Epoch() string { return epochOf(p.StreamID, p.ClientID) }

// HLS is an accepted on_hls: SRS wrote Segment and rewrote Playlist. It is a
// hint: the segment may already be gone, and hooks arrive late, duplicated
// and reordered.
type HLS struct {
	Vhost, App, Stream string
	StreamID           string // "" from SRS 4; see Epoch
	ClientID           string

	// Segment and Playlist are clean slash-separated paths relative to the
	// HLS dir (see RelPath), e.g. "live/livestream-0.ts" (or SRS 7's
	// "live/livestream/init.mp4") and "live/livestream.m3u8". They are
	// checked lexically only: the consumer opens them through os.Root so a
	// symlink cannot lead outside the dir.
	Segment, Playlist string
	SeqNo             int64
	Duration          float64 // seconds; 0 for an fMP4 init segment
}

// Epoch returns StreamID, or ClientID when SRS did not send a stream_id.
func (e HLS) Epoch() string { return epochOf(e.StreamID, e.ClientID) }

// Sink receives the hooks srs-p2p acts on. Every method is called from the
// HTTP handler while SRS waits for the reply, so it must return at once
// (queue the work, never do it inline). ctx carries the request's context id
// (srslog.CID) and is not cancelled when the request ends, so queued work may
// keep it for logging.
type Sink interface {
	Publish(ctx context.Context, ev Publish)   // accepted on_publish
	Unpublish(ctx context.Context, ev Publish) // on_unpublish
	HLS(ctx context.Context, ev HLS)           // on_hls
}
