// P2PEvents turns p2p-media-loader 2.3.1's core events into the SDK's counters.
//
// Which event says what (read from p2p-media-loader-core's lib):
//   - onChunkDownloaded(bytes, "http"|"p2p", peerId): every chunk received, CDN or peer.
//   - onChunkUploaded(bytes, peerId): every chunk sent to a peer.
//   - onSegmentStart({segment, downloadSource, peerId}): an attempt starts; for "p2p" it names the
//     peer. A segment has one attempt at a time, and validateP2PSegment runs inside the P2P
//     attempt, so the peer of the latest P2P start of a URL is the peer whose bytes are validated.
//     (onSegmentError with error.type "p2p-segment-validation-failed" carries the same peerId, but
//     it is not fired when the attempt was aborted while the hash was computed, so blame is taken
//     at validation time instead.)
//   - onSegmentLoaded({segmentUrl, downloadSource, peerId}): a segment is complete (and, for
//     "p2p", passed validateP2PSegment).
//   - onPeerConnect / onPeerClose({peerId}): a data channel opened / closed. onPeerClose can fire
//     more than once for one peer (close, end and finish all destroy it), hence the set.
//   - onPeerError({peerId, error}): an error on an open connection; counted once per connection
//     as a failed connection.
//   - onTrackerError({error}) / onTrackerWarning({warning}): bittorrent-tracker's client reports a
//     tracker's "failure reason" as a warning whose message is the reason text.

const MAX_URLS = 256;

function remember(map, key, value) {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_URLS) map.delete(map.keys().next().value);
}

export class P2PEvents {
  /**
   * @param {import("./tally.js").Tally} tally
   * @param {(peers: number) => void} [onPeers] called when the number of connected peers changes
   */
  constructor(tally, onPeers = () => {}) {
    this.tally = tally;
    this.onPeers = onPeers;
    /** peer ids with an open connection */
    this.peers = new Set();
    this.failedPeers = new Set();
    /** segment URL -> peer of its latest P2P attempt */
    this.lastPeer = new Map();
    /** segment URL -> validations passed and not yet seen as loaded */
    this.passed = new Map();
  }

  peerFor(url) {
    return this.lastPeer.get(url);
  }

  /** Records a validateP2PSegment outcome (see verify.js). */
  validated(r) {
    if (r.kind === "match") remember(this.passed, r.url, (this.passed.get(r.url) ?? 0) + 1);
    else if (r.kind === "mismatch") this.tally.hashFailure(r.peerId);
    else this.tally.add("unverifiable");
  }

  /** Forgets per-engine state when the player is rebuilt (a new swarm). */
  reset() {
    this.peers.clear();
    this.failedPeers.clear();
    this.lastPeer.clear();
  }

  /** Listens to an HlsJsP2PEngine (or anything with the same addEventListener). */
  attach(engine) {
    const t = this.tally;
    engine.addEventListener("onChunkDownloaded", (bytes, source) => {
      t.add(source === "p2p" ? "p2p_down_bytes" : "cdn_bytes", bytes);
    });
    engine.addEventListener("onChunkUploaded", (bytes) => t.add("p2p_up_bytes", bytes));
    engine.addEventListener("onSegmentStart", ({ segment, downloadSource, peerId }) => {
      if (downloadSource === "p2p" && peerId) remember(this.lastPeer, segment.url, peerId);
    });
    engine.addEventListener("onSegmentLoaded", ({ segmentUrl, downloadSource }) => {
      if (downloadSource !== "p2p") {
        t.add("segments_cdn");
        return;
      }
      t.add("segments_p2p");
      const n = this.passed.get(segmentUrl) ?? 0;
      if (n > 0) {
        t.add("verified");
        if (n === 1) this.passed.delete(segmentUrl);
        else this.passed.set(segmentUrl, n - 1);
      }
    });
    engine.addEventListener("onPeerConnect", ({ peerId }) => {
      const before = this.peers.size;
      this.peers.add(peerId);
      if (this.peers.size !== before) this.onPeers(this.peers.size);
      this.failedPeers.delete(peerId);
      t.add("conn_ok");
    });
    engine.addEventListener("onPeerClose", ({ peerId }) => {
      if (this.peers.delete(peerId)) this.onPeers(this.peers.size);
      this.failedPeers.delete(peerId);
    });
    engine.addEventListener("onPeerError", ({ peerId }) => {
      if (this.failedPeers.has(peerId)) return;
      this.failedPeers.add(peerId);
      t.add("conn_fail");
    });
    engine.addEventListener("onTrackerError", ({ error }) => t.trackerError(describe(error)));
    engine.addEventListener("onTrackerWarning", ({ warning }) => t.trackerError(describe(warning)));
  }
}

/** The text of an error-like value from the tracker client. */
export function describe(e) {
  if (e instanceof Error) return e.message || e.name;
  if (typeof e === "string") return e;
  try {
    return JSON.stringify(e);
  } catch {
    return String(e);
  }
}
