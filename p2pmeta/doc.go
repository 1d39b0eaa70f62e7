// Package p2pmeta defines the srs-p2p P2P manifest, format version 1: its types, canonical encoding,
// atomic write, strict parse and validation, and verification against the files on disk. It does no
// network I/O and no logging, so a Go client or a verifier tool can import it.
//
// This comment is the contract for SDK authors.
//
// # What a manifest is
//
// srs-p2p writes one manifest per live stream next to the playlist SRS writes, named after it:
// "live/livestream.m3u8" gets "live/livestream.p2p.json" (see NameFor). It lists the SHA-256 and
// size of every segment a viewer may get from a peer, so the viewer can check every byte a peer
// sends. It is a static file: any CDN that serves the playlist serves the manifest at the same
// path with ".m3u8" replaced by ".p2p.json".
//
// # Encoding
//
// A manifest is one UTF-8 JSON object, written compact with its keys in the order below and
// followed by one "\n" (see Marshal). Every string in it is ASCII with no character that JSON
// must escape. Readers must not depend on key order or whitespace, but must reject everything
// Parse rejects: unknown keys, duplicate keys, keys in another case, missing keys, null values,
// more than one value, and files over 16 MiB (MaxSize).
//
// Example (hashes shortened):
//
//	{"version":1,"stream":{"vhost":"__defaultVhost__","app":"live","name":"livestream"},
//	 "epoch":"vid-0ore7v9","swarm_id":"srs-p2p:origin-a/__defaultVhost__/live/livestream/vid-0ore7v9",
//	 "updated_at":"2026-11-24T12:27:36.938Z","playlist":"livestream.m3u8","media_sequence":1,
//	 "target_duration":3,"segments":[
//	  {"uri":"livestream-0.ts","seq":0,"duration":2.023,"size":90616,"sha256":"9f86...","discontinuity":true,"retained":true},
//	  {"uri":"livestream-1.ts","seq":1,"duration":2,"size":88736,"sha256":"60303..."}],
//	 "p2p":{"trackers":["wss://p2p.example.com/p2p/v1/tracker"],"stun":["stun:p2p.example.com:3478"],
//	  "pingback":"https://p2p.example.com/p2p/v1/pingback"}}
//
// # Fields
//
//   - version (integer): always 1. A reader that finds another value must not use the manifest.
//   - stream (object): the SRS stream, names exactly as SRS's hooks give them.
//     vhost (string): "__defaultVhost__" unless SRS runs vhosts. app (string): "live"; SRS allows
//     several levels ("live/sub"). name (string): "livestream". Each name, and each level of app,
//     is 1..255 bytes of [A-Za-z0-9._~!$&'()*+,;=@-] and not "." or "..".
//   - epoch (string): the publish session: SRS's stream_id ("vid-0ore7v9") when SRS sends one, else
//     its client_id, else an id srs-p2p made up. 1..128 bytes of [A-Za-z0-9._:-] (ValidEpoch). It
//     changes with every publish even when SRS reuses segment names and numbers.
//   - swarm_id (string): "srs-p2p:" + origin id + "/" + vhost + "/" + app + "/" + name + "/" + epoch
//     (SwarmID). The origin id is configured per srs-p2p origin and follows the epoch rule, so it
//     has no "/". Viewers pass it to p2p-media-loader as swarmId: viewers of different origins,
//     streams or publish sessions never meet in one swarm, so they never trade segment 7 of one
//     session for segment 7 of another.
//   - updated_at (string): when srs-p2p wrote this manifest, UTC RFC 3339 with exactly three
//     fractional digits: "2026-11-24T12:27:47.926Z" (TimeLayout, FormatTime).
//   - playlist (string): the playlist's file name, in the manifest's directory: "livestream.m3u8".
//   - media_sequence (integer, 0..2^64-1): the playlist's EXT-X-MEDIA-SEQUENCE.
//   - target_duration (integer, 1..86400): the playlist's EXT-X-TARGETDURATION in seconds.
//   - init (object, absent when the playlist has no EXT-X-MAP): the fMP4 init segment, with uri,
//     size and sha256 as for a segment.
//   - segments (array, [] when empty): see below.
//   - p2p (object): public endpoints from the origin's configuration, the URLs viewers reach (not
//     the addresses srs-p2p listens on). trackers (array of 0..16 strings): WebTorrent tracker
//     URLs, scheme ws or wss. stun (array of 0..16 strings): RFC 7064 URIs "stun:host[:port]" or
//     "stuns:host[:port]" for RTCPeerConnection's iceServers. pingback (string): http or https URL
//     viewers POST reports to, or "" when the origin collects none. Arrays are [] when empty, never
//     null; URLs are at most 2048 bytes of RFC 3986 characters, with a host and no #fragment.
//
// Each entry of segments has:
//
//   - uri (string): the playlist's URI for the segment with any ?query and #fragment removed (SRS's
//     own HTTP server adds "?hls_ctx=..."), relative to the manifest's directory: "livestream-7.ts".
//     Slash-separated segments that follow the name rule above (so the uri is both a valid URI
//     reference and a file name, with no percent-encoding), at most 1024 bytes, never absolute and
//     never "..". No two entries (nor init) share a basename, because viewers match by basename.
//   - seq (integer): the media sequence number.
//   - duration (number, 0..86400): EXTINF in seconds, a decimal with at most three fraction digits
//     and no exponent: 2.023, 2, 0.96.
//   - size (integer, >= 0): the file's length in bytes.
//   - sha256 (string): SHA-256 of the whole file, 64 lowercase hex characters.
//   - discontinuity (true, or absent): the playlist has #EXT-X-DISCONTINUITY before this segment
//     (SRS writes one at the start of each publish). A retained segment keeps the flag it had while
//     it was in the playlist.
//   - retained (true, or absent): the segment has left the playlist but its file still exists.
//
// # Retention and order
//
// segments first lists retained segments, in ascending seq, all below media_sequence; then the
// segments of the current playlist in playlist order, numbered from media_sequence (seq =
// media_sequence + position in the playlist). An entry is left out when its file is already gone,
// lies outside the HLS dir, or was written by the previous publish session (after a republish SRS 7
// keeps the old session's segments in the playlist; they belong to the old epoch), so numbers may
// skip. seq strictly increases along the array. A segment stays, marked retained, after it leaves the
// playlist for as long as its file exists on the origin, because viewers behind the live edge still
// ask peers for it; it is dropped once SRS deletes the file, and never carried into the manifest of
// another epoch.
//
// # How viewers use it
//
// Fetch the manifest whenever the playlist is fetched (or every target duration) and:
//
//  1. Reject it unless it parses under these rules; then play from the CDN only, without P2P.
//  2. Use swarm_id as the P2P swarm id, p2p.trackers as announce URLs, p2p.stun as ICE servers.
//     When the epoch changes, leave the old swarm.
//  3. Map a playlist URI to its entry by the basename of its path (query and fragment removed).
//  4. Accept a segment from a peer only when its entry is known and the bytes have exactly size and
//     sha256 (WebCrypto's crypto.subtle.digest("SHA-256") is enough). On a mismatch, drop the bytes,
//     fetch the segment from the CDN and report a hash failure to p2p.pingback. A segment in the
//     playlist but not yet in the manifest (the playlist can be a few milliseconds newer) comes from
//     the CDN; never use peer data that cannot be checked.
//  5. Serve peers only segments whose bytes matched the manifest.
//
// # Writing and caching
//
// srs-p2p rewrites the manifest each time the playlist changes. It replaces it atomically (see
// WriteFile): the new content goes to a temp file ".<name>.<random>.tmp" in the same directory,
// which is synced and renamed over the manifest, so a reader sees the old or the new manifest,
// never a partial one. Web servers should not serve dotfiles. Cache the manifest like the playlist:
// about one second (Cache-Control: max-age=1), never longer than the target duration.
//
// # Compatibility
//
// Version 1 is frozen: no key will be added, removed, retyped or given a looser rule under version
// 1, which is why readers can reject unknown keys. Any such change makes a new version number; a
// reader refuses versions it does not know (ErrVersion, detected before any other check) and falls
// back to the CDN.
package p2pmeta
