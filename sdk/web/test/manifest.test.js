import { test } from "node:test";
import assert from "node:assert/strict";
import { parseManifest, ManifestError, MAX_SIZE } from "../src/manifest.js";
import { manifestUrlFor, basename, withToken, parseSTUN, checkURL } from "../src/urls.js";
import { golden, manifestData } from "./helpers.js";

test("golden manifests of p2pmeta parse", () => {
  const m = parseManifest(golden("srs6-ts-retained.p2p.json"));
  assert.equal(m.swarm_id, "srs-p2p:origin-a/__defaultVhost__/live/livestream/vid-0ore7v9");
  assert.equal(m.target_duration, 3);
  assert.equal(m.segments.length, 7);
  assert.equal(m.segments[0].retained, true);
  assert.equal(m.segments[0].duration, 2.023);
  assert.equal(m.byName.get("livestream-3.ts").size, 87984);
  assert.deepEqual(m.p2p.stun, ["stun:p2p.example.com:3478", "stun:[2001:db8::1]:3478"]);

  const f = parseManifest(golden("srs7-fmp4-init.p2p.json"));
  assert.ok(f.init, "init present");
  assert.equal(f.byName.get(f.init.uri.split("/").pop()), f.init);

  const e = parseManifest(golden("empty-p2p.p2p.json"));
  assert.deepEqual(e.p2p, { trackers: [], stun: [], pingback: "" });
});

test("bytes are read as strict UTF-8", () => {
  const good = new TextEncoder().encode(golden("srs6-ts-retained.p2p.json"));
  assert.equal(parseManifest(good).segments.length, 7);
  const bad = new Uint8Array([...good.slice(0, 20), 0xff, ...good.slice(20)]);
  assert.throws(() => parseManifest(bad), /not valid UTF-8/);
  assert.throws(() => parseManifest(new Uint8Array(MAX_SIZE + 1)), /larger than/);
});

// Each case edits a valid manifest and names the error expected.
const invalid = [
  ["not an object", () => "[]", /not a JSON object/],
  ["trailing data", (m) => JSON.stringify(m) + "{}", /data after the value/],
  ["two values", (m) => JSON.stringify(m) + " 1", /data after the value/],
  ["duplicate key", (m) => JSON.stringify(m).replace('"epoch":', '"epoch":"x","epoch":'), /duplicate key/],
  ["unknown key", (m) => ({ ...m, extra: 1 }), /"extra": unknown key/],
  ["key in another case", (m) => JSON.stringify(m).replace('"epoch"', '"Epoch"'), /unknown key/],
  ["proto key", (m) => JSON.stringify(m).replace('"epoch"', '"__proto__"'), /unknown key/],
  ["missing key", (m) => ({ ...m, epoch: undefined }), /epoch: missing/],
  ["null value", (m) => ({ ...m, playlist: null }), /playlist: null is not allowed/],
  ["version 2 is unsupported", (m) => ({ ...m, version: 2 }), /version: unsupported 2/],
  ["version as float", (m) => JSON.stringify(m).replace('"version":1', '"version":1.0'), /version: not an integer/],
  ["missing version", (m) => ({ ...m, version: undefined }), /version: missing/],
  ["seq as float", (m) => JSON.stringify(m).replace('"seq":1,', '"seq":1.5,'), /segments\[0\].seq: not a non-negative integer/],
  ["seq negative", (m) => JSON.stringify(m).replace('"seq":1,', '"seq":-1,'), /not a non-negative integer/],
  ["seq above 2^53", (m) => JSON.stringify(m).replace('"seq":3,', '"seq":18446744073709551615,'), /out of range/],
  ["duration with exponent", (m) => JSON.stringify(m).replace('"duration":2,', '"duration":2e0,'), /at most 3 fraction digits/],
  ["duration with 4 decimals", (m) => JSON.stringify(m).replace('"duration":2,', '"duration":2.0001,'), /at most 3 fraction digits/],
  ["sha256 in capitals", (m) => { m.segments[0].sha256 = m.segments[0].sha256.toUpperCase(); return m; }, /sha256: not 64 lowercase hex/],
  ["negative size", (m) => { m.segments[0].size = -1; return m; }, /size: negative/],
  ["uri with query", (m) => { m.segments[0].uri = "a.ts?x=1"; return m; }, /query/],
  ["uri with ..", (m) => { m.segments[0].uri = "../a.ts"; return m; }, /is \.\./],
  ["absolute uri", (m) => { m.segments[0].uri = "/a.ts"; return m; }, /absolute path/],
  ["duplicate basename", (m) => { m.segments[1].uri = "sub/livestream-1.ts"; return m; }, /basename also used by segments\[0\].uri/],
  ["seq not increasing", (m) => { m.segments[1].seq = 1; return m; }, /not above the previous/],
  ["playlist seq below media_sequence", (m) => { m.media_sequence = 2; return m; }, /below media_sequence/],
  ["retained after playlist", (m) => { m.segments[2].retained = true; return m; }, /retained segment after a playlist segment/],
  ["epoch with slash", (m) => { m.epoch = "a/b"; return m; }, /epoch: not 1..128/],
  ["swarm of another stream", (m) => { m.swarm_id = m.swarm_id.replace("livestream", "other"); return m; }, /swarm_id/],
  ["updated_at without millis", (m) => { m.updated_at = "2026-11-24T12:00:00Z"; return m; }, /updated_at/],
  ["updated_at on Feb 30", (m) => { m.updated_at = "2026-02-30T12:00:00.000Z"; return m; }, /updated_at/],
  ["playlist in a directory", (m) => { m.playlist = "live/x.m3u8"; return m; }, /playlist/],
  ["target_duration 0", (m) => { m.target_duration = 0; return m; }, /target_duration: 0 outside/],
  ["http tracker", (m) => { m.p2p.trackers = ["http://x/announce"]; return m; }, /p2p.trackers\[0\]: scheme not ws or wss/],
  ["tracker with user info", (m) => { m.p2p.trackers = ["wss://u:p@x/t"]; return m; }, /user info/],
  ["tracker with empty port", (m) => { m.p2p.trackers = ["wss://x:/t"]; return m; }, /empty port/],
  ["tracker with space", (m) => { m.p2p.trackers = ["wss://x/a b"]; return m; }, /not allowed/],
  ["stun with path", (m) => { m.p2p.stun = ["stun:x:3478/p"]; return m; }, /not host\[:port\]/],
  ["turn url", (m) => { m.p2p.stun = ["turn:x:3478"]; return m; }, /scheme not stun or stuns/],
  ["stun port 0", (m) => { m.p2p.stun = ["stun:x:0"]; return m; }, /port not 1..65535/],
  ["pingback with fragment", (m) => { m.p2p.pingback = "https://x/p#f"; return m; }, /fragment/],
  ["17 trackers", (m) => { m.p2p.trackers = Array(17).fill("wss://x/t"); return m; }, /more than 16/],
  ["segments not an array", (m) => { m.segments = {}; return m; }, /segments: not an array/],
  ["string for number", (m) => { m.target_duration = "2"; return m; }, /target_duration: not a number/],
  ["control char in string", (m) => JSON.stringify(m).replace('"vid-1"', '"vid\u0001"'), /control character/],
  ["deep nesting", () => "[".repeat(100) + "]".repeat(100), /nested deeper/],
];

for (const [name, edit, want] of invalid) {
  test(`invalid manifest: ${name}`, () => {
    const out = edit(manifestData());
    const text = typeof out === "string" ? out : JSON.stringify(out);
    assert.throws(() => parseManifest(text), (err) => err instanceof ManifestError && want.test(err.message), `want ${want}`);
  });
}

test("an unsupported version is flagged as such before other errors", () => {
  const text = JSON.stringify({ version: 2, whatever: true });
  assert.throws(() => parseManifest(text), (err) => err.unsupportedVersion === true);
  assert.throws(() => parseManifest(JSON.stringify({ ...manifestData(), extra: 1 })), (err) => err.unsupportedVersion === false);
});

test("valid edge cases", () => {
  const m = manifestData();
  m.segments[0].discontinuity = false; // absent or false: both readable
  m.segments[1].duration = 0;
  m.p2p.stun = ["stuns:[::1]", "stun:Example.COM"];
  m.p2p.pingback = "";
  const got = parseManifest(JSON.stringify(m, null, 2));
  assert.equal(got.segments[1].duration, 0);
  assert.equal(got.p2p.pingback, "");
});

test("manifest URL is derived from the playlist URL", () => {
  const cases = [
    ["http://cdn.example.com/live/livestream.m3u8", "http://cdn.example.com/live/livestream.p2p.json"],
    ["https://cdn.example.com/live/s.m3u8?auth=abc&x=1", "https://cdn.example.com/live/s.p2p.json?auth=abc&x=1"],
    ["/hls/live/s.m3u8#t=1", "http://page.example/hls/live/s.p2p.json"],
    ["s.m3u8", "http://page.example/play/live/s.p2p.json"],
  ];
  for (const [playlist, want] of cases) assert.equal(manifestUrlFor(playlist, "http://page.example/play/live/x"), want);
  assert.throws(() => manifestUrlFor("http://x/live/s.mpd"), /does not end in/);
  assert.throws(() => manifestUrlFor("http://x/live/.m3u8"), /does not end in/);
  assert.throws(() => manifestUrlFor("ftp://x/s.m3u8"), /not http or https/);
});

test("segment basename drops query and fragment", () => {
  assert.equal(basename("http://x/live/livestream-7.ts?hls_ctx=abc"), "livestream-7.ts");
  assert.equal(basename("http://x/live/livestream-7.ts#f"), "livestream-7.ts");
  assert.equal(basename("livestream-7.ts"), "livestream-7.ts");
  assert.equal(basename("http://x/live/"), "");
});

test("token is added to tracker and pingback URLs", () => {
  assert.equal(withToken("ws://h:1/p2p/v1/tracker", "123.abc"), "ws://h:1/p2p/v1/tracker?token=123.abc");
  assert.equal(withToken("https://h/p?site=a", "t"), "https://h/p?site=a&token=t");
  assert.equal(withToken("https://h/p", undefined), "https://h/p");
});

test("STUN URIs parse with default ports", () => {
  assert.deepEqual(parseSTUN("stun:Example.com"), { scheme: "stun", host: "example.com", port: 3478 });
  assert.deepEqual(parseSTUN("stuns:x"), { scheme: "stuns", host: "x", port: 5349 });
  assert.deepEqual(parseSTUN("stun:[2001:db8::1]:3479"), { scheme: "stun", host: "2001:db8::1", port: 3479 });
  assert.equal(parseSTUN("stun:[zz::1]"), "no valid host");
  assert.equal(parseSTUN("stun:a:b:c"), "not host[:port]");
  assert.equal(checkURL("wss://[::1]:8080/t", ["wss"]), "");
  assert.equal(checkURL("wss://[::1/t", ["wss"]), "no valid host");
});
