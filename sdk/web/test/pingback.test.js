import { test } from "node:test";
import assert from "node:assert/strict";
import { Pingback, FIRST_INTERVAL_MS, MAX_QUEUED, SDK_NAME, capHashFailures } from "../src/pingback.js";
import { Tally } from "../src/tally.js";
import { FakeClock } from "./helpers.js";

const SWARM = "srs-p2p:o/__defaultVhost__/live/s/vid-1";

/** A pingback server double: records bodies, answers with the scripted replies in turn. */
function server(replies) {
  const bodies = [];
  const fetch = async (url, init) => {
    bodies.push({ url, init, body: JSON.parse(init.body) });
    const r = replies[Math.min(bodies.length - 1, replies.length - 1)];
    if (r instanceof Error) throw r;
    return new Response(JSON.stringify(r.body), { status: r.status ?? 200 });
  };
  return { fetch, bodies };
}

const ok = (interval_ms = 10000) => ({ body: { code: 0, server: "s", data: { interval_ms, accepted: 1, duplicates: 0 } } });

function setup(replies, { startupMs = null } = {}) {
  const clock = new FakeClock();
  const tally = new Tally();
  const srv = server(replies);
  const beacons = [];
  const state = { startup_ms: startupMs };
  const pb = new Pingback({
    url: "http://127.0.0.1:8085/p2p/v1/pingback",
    token: "99.tok",
    session: "sessionABCDEFGH",
    device: "desktop",
    state: () => ({ swarm_id: SWARM, peer_id: "-PM0203-abcdefghijkl", nat: "endpoint_independent", buffer_s: 7.25, peers_connected: 2, startup_ms: state.startup_ms }),
    takeDelta: () => tally.takeDelta(),
    fetch: srv.fetch,
    sendBeacon: (url, blob) => {
      beacons.push({ url, blob });
      return true;
    },
    clock,
  });
  return { clock, tally, srv, beacons, pb, state };
}

test("reports carry deltas that sum to the totals, then reset", async () => {
  const { clock, tally, srv, pb, state } = setup([ok()]);
  pb.start();
  tally.add("cdn_bytes", 1000);
  tally.add("p2p_down_bytes", 3000);
  tally.add("segments_p2p", 2);
  tally.hashFailure("-PM0203-badbadbadbad");
  state.startup_ms = 840;
  await clock.advance(FIRST_INTERVAL_MS);
  tally.add("cdn_bytes", 500);
  await clock.advance(FIRST_INTERVAL_MS);
  await clock.advance(FIRST_INTERVAL_MS);

  assert.equal(srv.bodies.length, 3);
  const [r1, r2, r3] = srv.bodies.map((b) => b.body.reports[0]);
  assert.equal(srv.bodies[0].url, "http://127.0.0.1:8085/p2p/v1/pingback?token=99.tok");
  assert.equal(srv.bodies[0].init.headers["Content-Type"], "application/json");
  assert.equal(srv.bodies[0].body.version, 1);
  assert.deepEqual(
    { ...r1, hash_failures: r1.hash_failures },
    {
      swarm_id: SWARM,
      peer_id: "-PM0203-abcdefghijkl",
      session: "sessionABCDEFGH",
      seq: 1,
      interval_ms: 10000,
      cdn_bytes: 1000,
      p2p_down_bytes: 3000,
      p2p_up_bytes: 0,
      segments_cdn: 0,
      segments_p2p: 2,
      stalls: 0,
      stall_ms: 0,
      startup_ms: 840,
      buffer_s: 7.25,
      watch_ms: 0,
      peers_connected: 2,
      conn_ok: 0,
      conn_fail: 0,
      hash_failures: [{ peer_id: "-PM0203-badbadbadbad", count: 1 }],
      nat: "endpoint_independent",
      sdk: SDK_NAME,
      device: "desktop",
      final: false,
    },
  );
  assert.equal(r2.seq, 2);
  assert.equal(r2.cdn_bytes, 500);
  assert.equal(r2.startup_ms, 0, "startup is reported once");
  assert.deepEqual(r2.hash_failures, []);
  assert.equal(r3.cdn_bytes, 0);
  const sum = [r1, r2, r3].reduce((n, r) => n + r.cdn_bytes, 0);
  assert.equal(sum, tally.total.cdn_bytes);
  assert.equal(pb.sent, 3);
  assert.equal(pb.errors, 0);
});

test("the interval follows the server's reply", async () => {
  const { clock, srv, pb } = setup([ok(2000)]);
  pb.start();
  await clock.advance(FIRST_INTERVAL_MS);
  assert.equal(srv.bodies.length, 1);
  await clock.advance(2000);
  assert.equal(srv.bodies.length, 2);
  assert.equal(srv.bodies[1].body.reports[0].interval_ms, 2000);
  assert.equal(pb.intervalMs, 2000);
});

test("a failed report is resent with the same seq alongside the next", async () => {
  const { clock, tally, srv, pb } = setup([{ status: 503, body: { code: 5000, data: "busy" } }, new Error("offline"), ok()]);
  pb.start();
  tally.add("cdn_bytes", 10);
  await clock.advance(FIRST_INTERVAL_MS);
  tally.add("cdn_bytes", 20);
  await clock.advance(FIRST_INTERVAL_MS);
  tally.add("cdn_bytes", 30);
  await clock.advance(FIRST_INTERVAL_MS);
  const batches = srv.bodies.map((b) => b.body.reports.map((r) => [r.seq, r.cdn_bytes]));
  assert.deepEqual(batches, [[[1, 10]], [[1, 10], [2, 20]], [[1, 10], [2, 20], [3, 30]]]);
  assert.equal(pb.errors, 2);
  assert.equal(pb.sent, 1);
  assert.deepEqual(pb.queue, []);
});

test("a report the server refuses as such is not resent", async () => {
  const { clock, srv, pb } = setup([{ status: 400, body: { code: 4102, data: "reports[0].nat: bad" } }, ok()]);
  pb.start();
  await clock.advance(FIRST_INTERVAL_MS * 2);
  assert.deepEqual(srv.bodies.map((b) => b.body.reports.map((r) => r.seq)), [[1], [2]]);
  assert.match(pb.lastError, /HTTP 400: reports\[0\].nat: bad/);
});

test("the queue of unsent reports is bounded", async () => {
  const { clock, srv, pb } = setup([new Error("down")]);
  pb.start();
  await clock.advance(FIRST_INTERVAL_MS * (MAX_QUEUED + 4));
  const last = srv.bodies.at(-1).body.reports;
  assert.equal(last.length, MAX_QUEUED);
  assert.equal(last.at(-1).seq, MAX_QUEUED + 4);
});

test("the final report goes as a text/plain beacon with the unsent ones", async () => {
  const { clock, tally, beacons, pb, srv } = setup([new Error("down")]);
  pb.start();
  tally.add("p2p_up_bytes", 7);
  await clock.advance(FIRST_INTERVAL_MS);
  tally.add("p2p_up_bytes", 5);
  await clock.advance(1500);
  pb.final();
  assert.equal(beacons.length, 1);
  assert.equal(beacons[0].url, "http://127.0.0.1:8085/p2p/v1/pingback?token=99.tok");
  assert.equal(beacons[0].blob.type, "text/plain");
  const body = JSON.parse(await beacons[0].blob.text());
  assert.deepEqual(
    body.reports.map((r) => [r.seq, r.p2p_up_bytes, r.final, r.interval_ms]),
    [
      [1, 7, false, 10000],
      [2, 5, true, 1500],
    ],
  );
  assert.deepEqual(pb.queue, []);
  pb.close();
  await clock.advance(FIRST_INTERVAL_MS * 3);
  assert.equal(srv.bodies.length, 1, "no reports after close");
});

test("hash failures are capped at 32 entries", () => {
  const many = Array.from({ length: 40 }, (_, i) => ({ peer_id: `peer${String(i).padStart(16, "0")}`, count: i + 1 }));
  const capped = capHashFailures(many);
  assert.equal(capped.length, 32);
  assert.equal(capped.reduce((n, e) => n + e.count, 0), many.reduce((n, e) => n + e.count, 0));
  assert.equal(capped.at(-1).peer_id, "");
});

test("time-based fields stay within the report's interval", async () => {
  const { clock, tally, srv, pb } = setup([ok()]);
  pb.start();
  tally.add("watch_ms", 50_000);
  tally.add("stall_ms", 50_000);
  await clock.advance(FIRST_INTERVAL_MS);
  const r = srv.bodies[0].body.reports[0];
  assert.equal(r.watch_ms, 10000);
  assert.equal(r.stall_ms, 10000);
});
