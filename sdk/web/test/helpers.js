// Test doubles: a clock driven by hand, a fetch that serves canned manifests, manifest builders.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { createHash } from "node:crypto";

const here = path.dirname(fileURLToPath(import.meta.url));

/** Reads a golden manifest of the Go package p2pmeta (the format's reference files). */
export function golden(name) {
  return readFileSync(path.join(here, "../../../p2pmeta/testdata", name), "utf8");
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

/** A clock whose timers run only when advance() moves time past them. */
export class FakeClock {
  constructor() {
    this.t = 0;
    this.timers = [];
    this.nextId = 1;
  }
  now() {
    return this.t;
  }
  setTimeout(fn, ms) {
    const id = this.nextId++;
    this.timers.push({ id, at: this.t + ms, fn });
    return id;
  }
  clearTimeout(id) {
    this.timers = this.timers.filter((t) => t.id !== id);
  }
  /** Moves time forward by ms, running due timers in order and letting promises settle. */
  async advance(ms) {
    const end = this.t + ms;
    for (;;) {
      await flush();
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.t = due.at;
      due.fn();
    }
    this.t = end;
    await flush();
  }
}

export function sha256(bytes) {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Segment bytes whose content depends on seq. */
export function segmentBytes(seq, size = 1000) {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (seq * 31 + i) & 0xff;
  return b;
}

/** A valid manifest object (as JSON-ready data) with segments for the given seqs. */
export function manifestData({ seqs = [1, 2, 3], epoch = "vid-1", updatedAt = "2026-11-24T12:00:00.000Z", p2p } = {}) {
  return {
    version: 1,
    stream: { vhost: "__defaultVhost__", app: "live", name: "livestream" },
    epoch,
    swarm_id: `srs-p2p:origin-a/__defaultVhost__/live/livestream/${epoch}`,
    updated_at: updatedAt,
    playlist: "livestream.m3u8",
    media_sequence: seqs[0] ?? 0,
    target_duration: 2,
    segments: seqs.map((seq) => ({
      uri: `livestream-${seq}.ts`,
      seq,
      duration: 2,
      size: segmentBytes(seq).byteLength,
      sha256: sha256(segmentBytes(seq)),
    })),
    p2p: p2p ?? {
      trackers: ["ws://127.0.0.1:8085/p2p/v1/tracker"],
      stun: ["stun:127.0.0.1:3478", "stun:127.0.0.1:3479"],
      pingback: "http://127.0.0.1:8085/p2p/v1/pingback",
    },
  };
}

/** A fetch that answers each call with the next body of a list (the last one repeats). */
export function scriptedFetch(bodies) {
  const calls = [];
  const fn = async (url, init) => {
    calls.push({ url, init });
    const body = bodies[Math.min(calls.length - 1, bodies.length - 1)];
    if (body instanceof Error) throw body;
    if (typeof body === "number") return new Response("nope", { status: body });
    return new Response(typeof body === "string" ? body : JSON.stringify(body), { status: 200 });
  };
  fn.calls = calls;
  return fn;
}
