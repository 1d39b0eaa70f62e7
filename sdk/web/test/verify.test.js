import { test } from "node:test";
import assert from "node:assert/strict";
import { makeValidator, sha256Hex } from "../src/verify.js";
import { ManifestSource, REFETCH_ATTEMPTS, REFETCH_SPACING_MS, fetchBytes } from "../src/source.js";
import { FakeClock, manifestData, scriptedFetch, segmentBytes, sha256 } from "./helpers.js";

const URL_BASE = "http://cdn.example/live/";

async function setup(bodies, { peer = "-PM0203-peerAAAAAAAA" } = {}) {
  const clock = new FakeClock();
  const fetch = scriptedFetch(bodies);
  const source = new ManifestSource({ url: `${URL_BASE}livestream.p2p.json`, fetch, clock });
  await source.load();
  const results = [];
  const validate = makeValidator({ source, peerFor: () => peer, onResult: (r) => results.push(r) });
  return { clock, fetch, source, validate, results };
}

const buf = (u8) => u8.buffer.slice(u8.byteOffset, u8.byteOffset + u8.byteLength);

test("sha256Hex matches node's hash", async () => {
  const b = segmentBytes(9, 4096);
  assert.equal(await sha256Hex(buf(b)), sha256(b));
});

test("validation outcomes against a fresh manifest", async (t) => {
  const cases = [
    { name: "match", seq: 2, data: segmentBytes(2), want: true, kind: "match" },
    { name: "query is ignored", seq: 2, data: segmentBytes(2), query: "?hls_ctx=x1", want: true, kind: "match" },
    { name: "size mismatch", seq: 2, data: segmentBytes(2, 999), want: false, kind: "mismatch", reason: /size 999, manifest 1000/ },
    { name: "hash mismatch", seq: 2, data: segmentBytes(3), want: false, kind: "mismatch", reason: /sha256/ },
    { name: "byte range is unverifiable", seq: 2, data: segmentBytes(2), range: { start: 0, end: 99 }, want: false, kind: "unverifiable" },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      const { validate, results, fetch } = await setup([manifestData()]);
      const ok = await validate(`${URL_BASE}livestream-${c.seq}.ts${c.query ?? ""}`, c.range, buf(c.data));
      assert.equal(ok, c.want);
      assert.equal(results.length, 1);
      assert.equal(results[0].kind, c.kind);
      assert.equal(results[0].peerId, "-PM0203-peerAAAAAAAA");
      if (c.reason) assert.match(results[0].reason, c.reason);
      assert.equal(fetch.calls.length, 1, "a known name needs no refetch");
    });
  }
});

test("a miss refetches the manifest and then matches", async () => {
  const { validate, results, fetch, clock } = await setup([manifestData({ seqs: [1, 2] }), manifestData({ seqs: [1, 2] }), manifestData({ seqs: [1, 2, 3], updatedAt: "2026-11-24T12:00:02.000Z" })]);
  const p = validate(`${URL_BASE}livestream-3.ts`, undefined, buf(segmentBytes(3)));
  await clock.advance(REFETCH_SPACING_MS * 3);
  assert.equal(await p, true);
  assert.equal(results[0].kind, "match");
  assert.equal(fetch.calls.length, 3, "load + two refetches");
});

test("a miss that stays missing is refused after the bounded refetches", async () => {
  const { validate, results, fetch, clock } = await setup([manifestData({ seqs: [1, 2] })]);
  const p = validate(`${URL_BASE}livestream-3.ts`, undefined, buf(segmentBytes(3)));
  await clock.advance(REFETCH_SPACING_MS * (REFETCH_ATTEMPTS + 5));
  assert.equal(await p, false);
  assert.equal(results[0].kind, "unverifiable");
  assert.equal(results[0].reason, "not in the manifest");
  assert.equal(fetch.calls.length, 1 + REFETCH_ATTEMPTS);
});

test("concurrent misses share the refetches", async () => {
  const { validate, fetch, clock } = await setup([manifestData({ seqs: [1] })]);
  const ps = [3, 4, 5, 6].map((seq) => validate(`${URL_BASE}livestream-${seq}.ts`, undefined, buf(segmentBytes(seq))));
  await clock.advance(REFETCH_SPACING_MS * (REFETCH_ATTEMPTS + 2));
  assert.deepEqual(await Promise.all(ps), [false, false, false, false]);
  assert.equal(fetch.calls.length, 1 + REFETCH_ATTEMPTS);
});

test("a refetch failure counts and the older cached copy is ignored", async () => {
  const { source, clock } = await setup([
    manifestData({ seqs: [5], updatedAt: "2026-11-24T12:00:05.000Z" }),
    new Error("network down"),
    503,
    manifestData({ seqs: [4, 9], updatedAt: "2026-11-24T12:00:01.000Z" }),
  ]);
  const p = source.refetch((m) => m.byName.has("livestream-9.ts"));
  await clock.advance(REFETCH_SPACING_MS * 4);
  assert.equal(await p, false, "the only manifest with seq 9 is older than the one held");
  assert.equal(source.errors, 2);
  assert.match(source.lastError, /HTTP 503/);
  assert.equal(source.current.updated_at, "2026-11-24T12:00:05.000Z");
});

test("fetchBytes bounds the body", async () => {
  const fetch = scriptedFetch(["x".repeat(100)]);
  await assert.rejects(fetchBytes(fetch, "http://x/m.p2p.json", { maxBytes: 99, clock: new FakeClock() }), /larger than 99 bytes/);
  const ok = await fetchBytes(fetch, "http://x/m.p2p.json", { maxBytes: 100, clock: new FakeClock() });
  assert.equal(ok.byteLength, 100);
});

test("background refresh runs once per target duration while active", async () => {
  const clock = new FakeClock();
  const fetch = scriptedFetch([manifestData()]);
  const source = new ManifestSource({ url: "http://x/l.p2p.json", fetch, clock });
  await source.load();
  let active = true;
  source.startRefresh(() => active);
  await clock.advance(2000 * 3);
  assert.equal(fetch.calls.length, 4, "load + 3 refreshes at target_duration 2 s");
  active = false;
  await clock.advance(2000 * 3);
  assert.equal(fetch.calls.length, 4, "no refresh while paused");
  source.close();
  active = true;
  await clock.advance(2000 * 3);
  assert.equal(fetch.calls.length, 4, "no refresh after close");
});

test("waitFor polls until the playlist is deep enough, within its limit", async () => {
  const clock = new FakeClock();
  const fetch = scriptedFetch([
    manifestData({ seqs: [0] }),
    manifestData({ seqs: [0, 1], updatedAt: "2026-11-24T12:00:02.000Z" }),
    manifestData({ seqs: [0, 1, 2], updatedAt: "2026-11-24T12:00:04.000Z" }),
  ]);
  const source = new ManifestSource({ url: "http://x/l.p2p.json", fetch, clock });
  await source.load();
  const deep = (n) => (m) => m.segments.length >= n;
  let p = source.waitFor(deep(3), 10_000, 1000);
  await clock.advance(2000);
  assert.equal(await p, true);
  assert.equal(fetch.calls.length, 3);

  p = source.waitFor(deep(9), 3500, 1000);
  await clock.advance(5000);
  assert.equal(await p, false, "gives up at the limit");
  assert.equal(fetch.calls.length, 6, "three more polls, no more");
});
