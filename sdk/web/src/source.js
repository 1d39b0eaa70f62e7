// ManifestSource fetches the manifest next to the playlist and keeps it fresh: a first load, a
// bounded refetch shared by every caller that misses a segment, and a background refresh about
// once per target duration while the video plays.

import { MAX_SIZE, parseManifest } from "./manifest.js";
import { realClock, sleep } from "./clock.js";

export const REFETCH_ATTEMPTS = 3;
export const REFETCH_SPACING_MS = 500;
const FETCH_TIMEOUT_MS = 5000;
const MIN_REFRESH_MS = 1000;
const MAX_REFRESH_MS = 30_000;

/**
 * Fetches url and returns its body as bytes, refusing a non-2xx status, a body over maxBytes and
 * a response slower than timeoutMs.
 */
export async function fetchBytes(fetchFn, url, { maxBytes = MAX_SIZE, timeoutMs = FETCH_TIMEOUT_MS, clock = realClock } = {}) {
  const ac = new AbortController();
  const timer = clock.setTimeout(() => ac.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  try {
    const res = await fetchFn(url, { signal: ac.signal, cache: "no-cache" });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const declared = Number(res.headers.get("content-length"));
    if (declared > maxBytes) throw new Error(`larger than ${maxBytes} bytes`);
    if (!res.body) return new Uint8Array(await res.arrayBuffer());
    const reader = res.body.getReader();
    const chunks = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw new Error(`larger than ${maxBytes} bytes`);
      }
      chunks.push(value);
    }
    const out = new Uint8Array(size);
    let off = 0;
    for (const c of chunks) {
      out.set(c, off);
      off += c.byteLength;
    }
    return out;
  } catch (err) {
    if (ac.signal.aborted && ac.signal.reason instanceof Error) throw ac.signal.reason;
    throw err;
  } finally {
    clock.clearTimeout(timer);
  }
}

export class ManifestSource {
  /**
   * @param {{url: string, fetch?: typeof fetch, clock?: import("./clock.js").Clock,
   *   onUpdate?: (next: object, prev: object|null) => void, onError?: (err: Error) => void}} opts
   */
  constructor({ url, fetch: fetchFn = globalThis.fetch.bind(globalThis), clock = realClock, onUpdate, onError }) {
    this.url = url;
    this.fetch = fetchFn;
    this.clock = clock;
    this.onUpdate = onUpdate ?? (() => {});
    this.onError = onError ?? (() => {});
    /** the newest valid manifest seen, or null */
    this.current = null;
    this.fetches = 0;
    this.errors = 0;
    this.lastError = "";
    this.waiters = [];
    this.refetching = null;
    this.refreshTimer = null;
    this.closed = false;
  }

  /** Fetches and parses the manifest once; throws on any failure. */
  async load() {
    const m = await this.fetchOnce();
    this.accept(m);
    return m;
  }

  async fetchOnce() {
    this.fetches++;
    const bytes = await fetchBytes(this.fetch, this.url, { clock: this.clock });
    return parseManifest(bytes);
  }

  // A CDN may hand out an older copy than one already seen: keep the newest by updated_at (the
  // fixed-width UTC format sorts as text).
  accept(m) {
    const prev = this.current;
    if (prev && m.updated_at < prev.updated_at) return false;
    this.current = m;
    this.onUpdate(m, prev);
    return true;
  }

  async tryFetch() {
    try {
      this.accept(await this.fetchOnce());
      return true;
    } catch (err) {
      this.errors++;
      this.lastError = err.message;
      this.onError(err);
      return false;
    }
  }

  /**
   * Refetches until want(manifest) holds or REFETCH_ATTEMPTS fetches REFETCH_SPACING_MS apart have
   * been made since this call. Concurrent callers share the same fetches, so a burst of misses
   * costs one fetch per spacing. Resolves true when want held.
   * @param {(m: object) => boolean} want
   */
  refetch(want) {
    if (this.current && want(this.current)) return Promise.resolve(true);
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.waiters.push({ want, left: REFETCH_ATTEMPTS, resolve });
      this.refetching ??= this.runRefetch().finally(() => {
        this.refetching = null;
      });
    });
  }

  async runRefetch() {
    let first = true;
    while (this.waiters.length > 0 && !this.closed) {
      if (!first) await sleep(this.clock, REFETCH_SPACING_MS);
      first = false;
      await this.tryFetch();
      const m = this.current;
      this.waiters = this.waiters.filter((w) => {
        w.left--;
        const ok = m !== null && w.want(m);
        if (ok || w.left <= 0) w.resolve(ok);
        return !ok && w.left > 0;
      });
    }
    for (const w of this.waiters) w.resolve(false);
    this.waiters = [];
  }

  /**
   * Refetches every pollMs until want(manifest) holds or limitMs has passed; resolves whether it
   * holds. Used to let a fresh stream build up a few segments before playback starts.
   * @param {(m: object) => boolean} want
   */
  async waitFor(want, limitMs, pollMs = 1000) {
    const deadline = this.clock.now() + limitMs;
    while (!this.closed) {
      if (this.current && want(this.current)) return true;
      if (this.clock.now() + pollMs > deadline) return false;
      await sleep(this.clock, pollMs);
      await this.tryFetch();
    }
    return false;
  }

  /**
   * Refetches in the background about once per target duration while active() is true (the video
   * plays), one fetch at a time.
   * @param {() => boolean} active
   */
  startRefresh(active) {
    const period = () => {
      const t = (this.current?.target_duration ?? 2) * 1000;
      return Math.min(MAX_REFRESH_MS, Math.max(MIN_REFRESH_MS, t));
    };
    const tick = async () => {
      this.refreshTimer = null;
      if (this.closed) return;
      if (active() && !this.refetching) await this.tryFetch();
      if (!this.closed) this.refreshTimer = this.clock.setTimeout(tick, period());
    };
    this.refreshTimer = this.clock.setTimeout(tick, period());
  }

  /** Stops the background refresh and releases every waiting caller. */
  close() {
    this.closed = true;
    if (this.refreshTimer !== null) this.clock.clearTimeout(this.refreshTimer);
    for (const w of this.waiters) w.resolve(false);
    this.waiters = [];
  }
}
