// Counters kept twice: a total since the page loaded (what stats() shows) and a delta since the
// last pingback report (what the report carries). Every increment goes to both, so the deltas of
// all reports sum to the totals.

export const COUNTERS = [
  "cdn_bytes",
  "p2p_down_bytes",
  "p2p_up_bytes",
  "segments_cdn",
  "segments_p2p",
  "stalls",
  "stall_ms",
  "watch_ms",
  "conn_ok",
  "conn_fail",
  "verified",
  "rejected",
  "unverifiable",
];

const MAX_TRACKER_ERRORS = 20;
const MAX_BLAMED_PEERS = 1000;

export class Tally {
  constructor() {
    this.total = Object.fromEntries(COUNTERS.map((k) => [k, 0]));
    this.delta = Object.fromEntries(COUNTERS.map((k) => [k, 0]));
    /** peer id ("" when unknown) -> hash failures since load */
    this.rejectedByPeer = new Map();
    /** peer id -> hash failures since the last report */
    this.hashFailuresDelta = new Map();
    /** distinct tracker error texts, oldest first, at most MAX_TRACKER_ERRORS */
    this.trackerErrors = [];
  }

  /** Adds n (a finite number >= 0) to a counter. */
  add(name, n = 1) {
    if (!(n > 0) || !Number.isFinite(n)) return;
    this.total[name] += n;
    this.delta[name] += n;
  }

  /** Records a segment a peer sent that did not match the manifest, blaming peerId ("" unknown). */
  hashFailure(peerId) {
    const id = typeof peerId === "string" ? peerId : "";
    this.add("rejected");
    // The map is bounded; past the bound further peers are counted under "".
    const key = this.rejectedByPeer.has(id) || this.rejectedByPeer.size < MAX_BLAMED_PEERS ? id : "";
    this.rejectedByPeer.set(key, (this.rejectedByPeer.get(key) ?? 0) + 1);
    this.hashFailuresDelta.set(key, (this.hashFailuresDelta.get(key) ?? 0) + 1);
  }

  /** Keeps a tracker error or refusal text (distinct texts, the latest MAX_TRACKER_ERRORS). */
  trackerError(text) {
    const s = String(text).slice(0, 300);
    const i = this.trackerErrors.indexOf(s);
    if (i >= 0) this.trackerErrors.splice(i, 1);
    this.trackerErrors.push(s);
    if (this.trackerErrors.length > MAX_TRACKER_ERRORS) this.trackerErrors.shift();
  }

  /** Returns the deltas since the last call and starts new ones. */
  takeDelta() {
    const d = { ...this.delta, hash_failures: [...this.hashFailuresDelta].map(([peer_id, count]) => ({ peer_id, count })) };
    for (const k of COUNTERS) this.delta[k] = 0;
    this.hashFailuresDelta.clear();
    return d;
  }
}
