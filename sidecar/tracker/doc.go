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
// Every failure frame carries "action", "failure reason" and, when known,
// "info_hash": without "action" bittorrent-tracker's client treats the reply
// as a broken socket and backs off for minutes.
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
