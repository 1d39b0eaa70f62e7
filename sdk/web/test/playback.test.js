import { test } from "node:test";
import assert from "node:assert/strict";
import { PlaybackMonitor } from "../src/playback.js";
import { P2PEvents } from "../src/events.js";
import { Tally } from "../src/tally.js";
import { deviceClass, makePeerId, makeSession } from "../src/identity.js";
import { liveSettings } from "../src/latency.js";
import { FakeClock } from "./helpers.js";

class FakeVideo extends EventTarget {
  constructor() {
    super();
    this.seeking = false;
    this.paused = true;
    this.ended = false;
  }
  emit(type) {
    if (type === "playing") this.paused = false;
    if (type === "pause") this.paused = true;
    this.dispatchEvent(new Event(type));
  }
}

test("startup, stalls and watch time from video events", async () => {
  const clock = new FakeClock();
  const video = new FakeVideo();
  const tally = new Tally();
  const mon = new PlaybackMonitor({ video, tally, clock, startedAt: 0 });
  await clock.advance(300);
  video.emit("waiting"); // before the start: not a stall
  await clock.advance(900);
  video.emit("playing");
  assert.equal(mon.startupMs, 1200);
  assert.equal(mon.playing, true);
  await clock.advance(5000);
  video.emit("waiting");
  assert.equal(mon.playing, false);
  await clock.advance(700);
  mon.checkpoint();
  const mid = tally.takeDelta();
  assert.equal(mid.stalls, 1);
  assert.equal(mid.stall_ms, 700);
  assert.equal(mid.watch_ms, 5700);
  await clock.advance(300);
  video.emit("playing");
  video.seeking = true;
  video.emit("waiting"); // waiting for a seek: not a stall
  video.seeking = false;
  await clock.advance(1000);
  video.emit("pause");
  await clock.advance(10_000); // paused: not watched
  mon.checkpoint();
  assert.equal(tally.total.stalls, 1);
  assert.equal(tally.total.stall_ms, 1000);
  assert.equal(tally.total.watch_ms, 7000);
  const rest = tally.takeDelta();
  assert.equal(mid.watch_ms + rest.watch_ms, tally.total.watch_ms, "deltas sum to the total");
  mon.close();
  video.emit("playing");
  assert.equal(tally.total.stalls, 1);
});

test("a seek ends a stall", async () => {
  const clock = new FakeClock();
  const video = new FakeVideo();
  const tally = new Tally();
  const mon = new PlaybackMonitor({ video, tally, clock, startedAt: 0 });
  video.emit("playing");
  video.emit("waiting");
  await clock.advance(400);
  video.emit("seeking");
  await clock.advance(2000);
  video.emit("playing");
  mon.checkpoint();
  assert.equal(tally.total.stall_ms, 400);
  assert.equal(tally.total.watch_ms, 2400);
});

/** An engine double with p2p-media-loader's addEventListener. */
class FakeEngine {
  constructor() {
    this.listeners = new Map();
  }
  addEventListener(name, fn) {
    if (!this.listeners.has(name)) this.listeners.set(name, []);
    this.listeners.get(name).push(fn);
  }
  emit(name, ...args) {
    for (const fn of this.listeners.get(name) ?? []) fn(...args);
  }
}

test("p2p-media-loader events become counters", () => {
  const tally = new Tally();
  const peerCounts = [];
  const ev = new P2PEvents(tally, (n) => peerCounts.push(n));
  const engine = new FakeEngine();
  ev.attach(engine);
  const url = "http://cdn/live/s-3.ts?hls_ctx=1";
  engine.emit("onPeerConnect", { peerId: "peerA", streamType: "main" });
  engine.emit("onPeerConnect", { peerId: "peerB", streamType: "main" });
  engine.emit("onChunkDownloaded", 1000, "http");
  engine.emit("onChunkDownloaded", 400, "p2p", "peerA");
  engine.emit("onChunkUploaded", 250, "peerB");
  engine.emit("onSegmentStart", { segment: { url }, downloadSource: "p2p", peerId: "peerA" });
  assert.equal(ev.peerFor(url), "peerA");
  ev.validated({ ok: true, kind: "match", url, peerId: "peerA" });
  engine.emit("onSegmentLoaded", { segmentUrl: url, bytesLength: 400, downloadSource: "p2p", peerId: "peerA" });
  engine.emit("onSegmentLoaded", { segmentUrl: "http://cdn/live/s-4.ts", bytesLength: 1000, downloadSource: "http" });
  ev.validated({ ok: false, kind: "mismatch", url, peerId: "peerB" });
  ev.validated({ ok: false, kind: "mismatch", url, peerId: "" });
  ev.validated({ ok: false, kind: "unverifiable", url, peerId: "peerB" });
  engine.emit("onPeerError", { peerId: "peerB", error: new Error("x") });
  engine.emit("onPeerError", { peerId: "peerB", error: new Error("y") });
  engine.emit("onPeerClose", { peerId: "peerB" });
  engine.emit("onPeerClose", { peerId: "peerB" });
  engine.emit("onTrackerWarning", { streamType: "main", warning: new Error("stream not live: srs-p2p knows no such swarm") });
  engine.emit("onTrackerWarning", { streamType: "main", warning: new Error("stream not live: srs-p2p knows no such swarm") });
  engine.emit("onTrackerError", { streamType: "main", error: "socket closed" });

  const t = tally.total;
  assert.deepEqual(
    [t.cdn_bytes, t.p2p_down_bytes, t.p2p_up_bytes, t.segments_cdn, t.segments_p2p, t.verified, t.rejected, t.unverifiable, t.conn_ok, t.conn_fail],
    [1000, 400, 250, 1, 1, 1, 2, 1, 2, 1],
  );
  assert.deepEqual(Object.fromEntries(tally.rejectedByPeer), { peerB: 1, "": 1 });
  assert.deepEqual([...ev.peers], ["peerA"]);
  assert.deepEqual(peerCounts, [1, 2, 1], "one call per change, none for a repeated close");
  assert.deepEqual(tally.trackerErrors, ["stream not live: srs-p2p knows no such swarm", "socket closed"]);
});

test("a P2P segment loaded without a passed validation is not counted as verified", () => {
  const tally = new Tally();
  const ev = new P2PEvents(tally);
  const engine = new FakeEngine();
  ev.attach(engine);
  engine.emit("onSegmentLoaded", { segmentUrl: "http://cdn/s-1.ts", downloadSource: "p2p" });
  assert.equal(tally.total.segments_p2p, 1);
  assert.equal(tally.total.verified, 0);
});

test("tracker errors keep the latest 20 distinct texts", () => {
  const tally = new Tally();
  for (let i = 0; i < 25; i++) tally.trackerError(`e${i}`);
  tally.trackerError("e10");
  assert.equal(tally.trackerErrors.length, 20);
  assert.equal(tally.trackerErrors.at(-1), "e10");
  assert.equal(tally.trackerErrors[0], "e5");
});

test("peer id is 20 characters with p2p-media-loader's prefix; sessions fit the report", () => {
  const id = makePeerId("-PM0203-");
  assert.match(id, /^-PM0203-[A-Za-z0-9]{12}$/);
  assert.notEqual(makePeerId("-PM0203-"), id);
  assert.equal(makePeerId("-averyveryverylongprefix-").length, 20);
  // Bytes of 248 and above are drawn again (they would favour the first letters).
  let calls = 0;
  const biased = (b) => b.fill(calls++ === 0 ? 250 : 1);
  assert.equal(makePeerId("-PM0203-", biased), "-PM0203-BBBBBBBBBBBB");
  assert.match(makeSession(), /^[A-Za-z0-9]{22}$/);
});

test("device class from the user agent", () => {
  const cases = [
    ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0 Safari/537.36", "desktop"],
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120 Safari/537.36", "desktop"],
    ["Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148", "mobile"],
    ["Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/120 Mobile Safari/537.36", "mobile"],
    ["Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36", "tv"],
    ["Mozilla/5.0 (Linux; Android 9; AFTMM Build/PS7233) AppleWebKit/537.36", "tv"],
    ["curl/8.0", "other"],
  ];
  for (const [ua, want] of cases) assert.equal(deviceClass(ua), want, ua);
});

test("live settings leave peers at least one target duration per segment", () => {
  for (const t of [1, 2, 3, 6, 10]) {
    const { hls, core } = liveSettings(t);
    const behind = hls.liveSyncDurationCount * t;
    const segment = t; // the longest a segment can be
    // The newest segment is seen by a viewer's playlist refresh up to one segment late; after
    // that it has this long before it enters the high-demand (CDN) window:
    const worstCase = behind - 2 * segment - core.highDemandTimeWindow;
    assert.ok(worstCase >= t, `T=${t}: worst case ${worstCase} s`);
    assert.ok(core.p2pDownloadTimeWindow >= core.httpDownloadTimeWindow);
    assert.ok(core.httpDownloadTimeWindow >= behind, "seeding covers every segment up to the edge");
    assert.ok(hls.liveMaxLatencyDurationCount > hls.liveSyncDurationCount);
    assert.equal(hls.enableWorker, false);
  }
});

test("the wait after a reload by the SDK is not a stall", async () => {
  const clock = new FakeClock();
  const video = new FakeVideo();
  const tally = new Tally();
  const mon = new PlaybackMonitor({ video, tally, clock, startedAt: 0 });
  video.emit("playing");
  await clock.advance(1000);
  mon.reload();
  video.emit("emptied");
  video.emit("waiting");
  await clock.advance(800);
  video.emit("playing");
  await clock.advance(1000);
  video.emit("waiting"); // a real stall again
  await clock.advance(300);
  mon.checkpoint();
  assert.equal(tally.total.stalls, 1);
  assert.equal(tally.total.stall_ms, 300);
  assert.equal(tally.total.watch_ms, 2300);
});
