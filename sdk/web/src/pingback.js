// Pingback: the viewer's report to srs-p2p (format version 1, see sidecar/pingback's doc), sent
// every interval_ms the server asks for, and once more as a beacon with "final": true when the
// page hides.
//
// Each report carries the deltas since the previous one and a sequence number. A report that did
// not get through is sent again, with the same seq, together with the next one (the server counts
// each (session, seq) once), so deltas are not lost to one failed request; at most MAX_QUEUED
// reports wait, the oldest are dropped beyond that.

import { realClock } from "./clock.js";
import { withToken } from "./urls.js";

export const SDK_VERSION = "0.1.0";
export const SDK_NAME = `srs-p2p-web/${SDK_VERSION}`;
export const FIRST_INTERVAL_MS = 10_000;
export const MAX_QUEUED = 16; // the server takes at most 16 reports per request
const MIN_INTERVAL_MS = 1000;
const MAX_INTERVAL_MS = 120_000; // a report covers at most 120000 ms (the server's bound)
const MAX_HASH_FAILURE_ENTRIES = 32;
const POST_TIMEOUT_MS = 10_000;
const MAX_BYTES = 1e10;
const MAX_COUNT = 10_000;

const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, Math.round(v) || 0));

/** Caps hash_failures at 32 entries, adding the rest to the "" (unknown peer) entry. */
export function capHashFailures(list) {
  if (list.length <= MAX_HASH_FAILURE_ENTRIES) return list.map((e) => ({ peer_id: e.peer_id, count: clamp(e.count, 0, MAX_COUNT) }));
  const sorted = [...list].sort((a, b) => b.count - a.count);
  const keep = sorted.slice(0, MAX_HASH_FAILURE_ENTRIES - 1).filter((e) => e.peer_id !== "");
  const known = new Set(keep.map((e) => e.peer_id));
  const rest = list.filter((e) => !known.has(e.peer_id)).reduce((n, e) => n + e.count, 0);
  return [...keep, { peer_id: "", count: rest }].map((e) => ({ peer_id: e.peer_id, count: clamp(e.count, 0, MAX_COUNT) }));
}

export class Pingback {
  /**
   * @param {object} o
   * @param {string} o.url manifest.p2p.pingback
   * @param {string} [o.token] appended as ?token=
   * @param {string} o.session
   * @param {string} o.device
   * @param {() => {swarm_id: string, peer_id: string, nat: string, buffer_s: number,
   *   peers_connected: number, startup_ms: number|null}} o.state the viewer's state now
   * @param {() => object} o.takeDelta the counters since the last report (Tally.takeDelta after a
   *   PlaybackMonitor checkpoint)
   * @param {typeof fetch} [o.fetch]
   * @param {(url: string, body: Blob) => boolean} [o.sendBeacon]
   * @param {import("./clock.js").Clock} [o.clock]
   */
  constructor({ url, token, session, device, state, takeDelta, fetch: fetchFn, sendBeacon, clock = realClock }) {
    this.url = withToken(url, token);
    this.session = session;
    this.device = device;
    this.state = state;
    this.takeDelta = takeDelta;
    this.fetch = fetchFn ?? ((...a) => globalThis.fetch(...a));
    this.sendBeacon = sendBeacon ?? ((u, b) => globalThis.navigator.sendBeacon(u, b));
    this.clock = clock;
    this.intervalMs = FIRST_INTERVAL_MS;
    this.seq = 0;
    this.queue = [];
    this.lastAt = clock.now();
    this.startupSent = false;
    this.sent = 0;
    this.errors = 0;
    this.lastError = "";
    this.timer = null;
    this.inflight = null;
    this.closed = false;
  }

  /** Schedules the periodic reports. */
  start() {
    this.schedule();
  }

  schedule() {
    if (this.closed) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.inflight = this.send().finally(() => {
        this.inflight = null;
        this.schedule();
      });
    }, this.intervalMs);
  }

  /** Builds the next report from the counters and the state now. */
  makeReport(final) {
    const now = this.clock.now();
    const d = this.takeDelta();
    const s = this.state();
    const interval = clamp(now - this.lastAt, 0, MAX_INTERVAL_MS);
    this.lastAt = now;
    let startup = 0;
    if (!this.startupSent && s.startup_ms !== null && s.startup_ms !== undefined) {
      startup = clamp(s.startup_ms, 1, MAX_INTERVAL_MS);
      this.startupSent = true;
    }
    return {
      swarm_id: s.swarm_id,
      peer_id: s.peer_id,
      session: this.session,
      seq: ++this.seq,
      interval_ms: interval,
      cdn_bytes: clamp(d.cdn_bytes, 0, MAX_BYTES),
      p2p_down_bytes: clamp(d.p2p_down_bytes, 0, MAX_BYTES),
      p2p_up_bytes: clamp(d.p2p_up_bytes, 0, MAX_BYTES),
      segments_cdn: clamp(d.segments_cdn, 0, MAX_COUNT),
      segments_p2p: clamp(d.segments_p2p, 0, MAX_COUNT),
      stalls: clamp(d.stalls, 0, MAX_COUNT),
      stall_ms: clamp(d.stall_ms, 0, interval),
      startup_ms: startup,
      buffer_s: Math.min(3600, Math.max(0, Math.round((s.buffer_s || 0) * 1000) / 1000)),
      watch_ms: clamp(d.watch_ms, 0, interval),
      peers_connected: clamp(s.peers_connected, 0, 1000),
      conn_ok: clamp(d.conn_ok, 0, MAX_COUNT),
      conn_fail: clamp(d.conn_fail, 0, MAX_COUNT),
      hash_failures: capHashFailures(d.hash_failures),
      nat: s.nat,
      sdk: SDK_NAME,
      device: this.device,
      final,
    };
  }

  enqueue(report) {
    this.queue.push(report);
    if (this.queue.length > MAX_QUEUED) this.queue.splice(0, this.queue.length - MAX_QUEUED);
  }

  /** Sends one periodic report (with any that failed before). Resolves when done. */
  async send() {
    this.enqueue(this.makeReport(false));
    const batch = this.queue.slice();
    const ac = new AbortController();
    const timer = this.clock.setTimeout(() => ac.abort(), POST_TIMEOUT_MS);
    try {
      const res = await this.fetch(this.url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ version: 1, reports: batch }),
        signal: ac.signal,
        credentials: "omit",
      });
      const reply = await res.json().catch(() => null);
      if (res.ok && reply && reply.code === 0) {
        this.queue = this.queue.filter((r) => !batch.includes(r));
        this.sent++;
        const next = reply.data?.interval_ms;
        if (Number.isFinite(next)) this.intervalMs = clamp(next, MIN_INTERVAL_MS, MAX_INTERVAL_MS);
        return;
      }
      // A request the server refuses as such (bad field, unknown stream, token) will be refused
      // again: drop it. Overload (429) and server errors are retried with the next report.
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
        this.queue = this.queue.filter((r) => !batch.includes(r));
      }
      this.fail(`HTTP ${res.status}${reply && typeof reply.data === "string" ? ": " + reply.data : ""}`);
    } catch (err) {
      this.fail(err?.message ?? String(err));
    } finally {
      this.clock.clearTimeout(timer);
    }
  }

  fail(text) {
    this.errors++;
    this.lastError = String(text).slice(0, 200);
  }

  /**
   * Sends the final report, with any not yet acknowledged, as a beacon (text/plain, so no CORS
   * preflight, and the browser delivers it after the page is gone).
   */
  final() {
    if (this.closed) return;
    this.enqueue(this.makeReport(true));
    const body = JSON.stringify({ version: 1, reports: this.queue });
    this.queue = [];
    let ok = false;
    try {
      ok = this.sendBeacon(this.url, new Blob([body], { type: "text/plain" }));
    } catch (err) {
      this.lastError = String(err?.message ?? err);
    }
    if (ok) this.sent++;
    else this.fail(this.lastError || "sendBeacon refused the report");
  }

  /** Stops the periodic reports (no final report: call final() first if one is due). */
  close() {
    this.closed = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}
