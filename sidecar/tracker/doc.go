// Package tracker is srs-p2p's WebTorrent WebSocket tracker: the signaling
// server p2p-media-loader viewers announce to (GET /p2p/v1/tracker).
//
// It speaks the protocol of bittorrent-tracker's WebSocket client as
// p2p-media-loader 2.3.x uses it: JSON text frames carrying "announce"
// (with WebRTC offers), "answer" relays and "scrape". info_hash, peer_id and
// offer_id are 20-character latin1 binary strings: every rune of the JSON
// string is one byte (U+0000..U+00FF), so they are decoded to 20 bytes and
// encoded back byte-exact.
//
// Unlike a public tracker it knows its streams: it polls a StreamSource,
// computes for every live stream epoch the info_hash its viewers announce
// (see InfoHashFor) and, unless Config.AllowUnknownSwarms is set, refuses
// announces for any other info_hash. A stream that leaves the source keeps
// its swarm for Config.Grace, then the swarm is closed.
//
// Signaling integrity: a peer_id is bound to the connection that first
// announced it in a swarm; an answer is relayed only for an offer_id the
// tracker itself relayed from to_peer_id to the answering peer, within
// Config.AnswerTTL, and only once.
//
// Peer choice: each offer goes to a different peer, same network (IPv4
// /24, IPv6 /48) first, then peers with upload evidence (their announces'
// "uploaded" grew, or Config.Scorer's UploadScore), then whoever got an
// offer least recently, so none is flooded. A peer Config.Scorer flags Bad
// (pingback: blamed for hash failures by enough viewers) receives no
// offers, and its own offers are withheld too (counted in
// srs_p2p_tracker_offers_withheld_total).
//
// Every failure frame carries "action", "failure reason" and, when known,
// "info_hash": without "action" bittorrent-tracker's client treats the reply
// as a broken socket and backs off for minutes.
//
// # Connections
//
// The tracker speaks WebSocket itself, on gobwas/ws's handshake: each
// connection is one goroutine that reads, handles and flushes. While a
// client is idle that goroutine holds no buffer: on unix it waits for the
// socket to become readable and only then reads into a pooled buffer,
// which goes back to the pool as soon as no partial frame is left. Client
// frames are decoded by a hand-written JSON scanner that accepts exactly
// what encoding/json accepted (FuzzDecodeFrame compares the two), and the
// frames the tracker sends are encoded by hand.
//
// Frames for a client are appended to its outbox (at most
// Config.SendQueue frames; more are dropped and counted), and the
// goroutine that queued them writes them once it has handled what it read,
// without waiting: what the socket takes now goes out, in one write per
// client. A writer goroutine takes over only a client whose socket is full,
// and closes it when a write takes longer than Config.WriteTimeout. So no
// client can hold up the relays to others.
//
// # Token
//
// When Config.TokenSecret is set, every connection must carry ?token=T on
// the URL, and may announce only in swarms of the stream the token names:
//
//	T   = <expiry> "." <mac>
//	expiry = Unix time in seconds, decimal, no sign
//	mac = base64url without padding of HMAC-SHA256(secret, swarm_id + "\n" + expiry)
//
// swarm_id is the manifest's swarm_id. A malformed or expired token is
// refused at the upgrade with HTTP 401; a token for another stream gets an
// announce failure. See NewToken.
package tracker
