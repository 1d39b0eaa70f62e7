package tracker

import (
	"crypto/sha1"
	"encoding/base64"
)

// plainPlaylistStreamID is p2p-media-loader's stream identity hash for a
// media playlist with no master playlist (like SRS's): its properties are all
// missing, so generateStreamShortId hashes "0--------" (bitrate 0, eight empty
// fields) and it is base64(SHA1("0--------")) = "UYnLxGhQilEV4D0HbCx+kRv0ZF0=".
var plainPlaylistStreamID = func() string {
	sum := sha1.Sum([]byte("0--------"))
	return base64.StdEncoding.EncodeToString(sum[:])
}()

// StreamSwarmID is the swarm key p2p-media-loader 2.3.x builds for the main
// media playlist of a stream whose swarmId (config.swarmId, or the manifest
// URL without query) is swarmID.
//
// As read in Novage/p2p-media-loader, packages/p2p-media-loader-core:
// src/utils/stream.ts getStreamSwarmId returns
// `${PEER_PROTOCOL_VERSION}-${swarmId}-${getStreamId(stream)}` with
// PEER_PROTOCOL_VERSION "v2" and getStreamId = `${stream.type}-${stream.index}`;
// the HLS integration registers a level without BANDWIDTH as type "main" with
// index generateStreamShortId({bitrate: 0}); the golden vectors in
// test/stream-identity (case "missing metadata (bitrate 0 only)") freeze this.
func StreamSwarmID(swarmID string) string {
	return "v2-" + swarmID + "-main-" + plainPlaylistStreamID
}

// InfoHashFor is the info_hash viewers of the stream with this swarm_id
// announce. p2p-media-loader's src/utils/peer.ts getStreamHash is
// btoa(sha1(streamSwarmId).slice(0, 15)) where sha1 hashes the UTF-8 bytes
// and returns a binary string: base64 of the first 15 digest bytes, exactly
// 20 ASCII characters, which are also the 20 bytes on the wire.
func InfoHashFor(swarmID string) string {
	sum := sha1.Sum([]byte(StreamSwarmID(swarmID)))
	return base64.StdEncoding.EncodeToString(sum[:15])
}
