// Unit tests of the viewers.mjs driver's pure parts, without a browser:
// node --test integration/browser/ (go test ./integration runs it).

import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError, isLoopbackHost, parseConfig } from "./config.mjs";
import { installInstrumentation } from "./inpage.mjs";

const enc = (s) => new TextEncoder().encode(s);
const frame = (start, body, end) => new Uint8Array([...enc(start), ...body, ...enc(end)]);

// fakeScope is the little of a window the instrumentation touches.
function fakeScope() {
  const sent = [];
  class DataChannel {
    send(d) {
      sent.push(d);
    }
  }
  class WS {
    constructor(url) {
      this.url = url;
      this.listeners = {};
      this.out = [];
    }
    addEventListener(type, fn) {
      (this.listeners[type] ||= []).push(fn);
    }
    send(d) {
      this.out.push(d);
    }
    receive(data) {
      for (const fn of this.listeners.message || []) fn({ data });
    }
  }
  const listeners = {};
  const scope = {
    RTCDataChannel: DataChannel,
    WebSocket: WS,
    addEventListener: (type, fn) => (listeners[type] ||= []).push(fn),
    fire: (type) => (listeners[type] || []).forEach((fn) => fn()),
    document: { visibilityState: "visible" },
  };
  return { scope, sent };
}

test("poison flips segment bytes and passes protocol commands untouched", () => {
  const { scope, sent } = fakeScope();
  const state = installInstrumentation({ poison: true, maxEvents: 10, binding: "b" }, scope);
  const ch = new scope.RTCDataChannel();
  const commands = [
    frame("cstr", [2, 105, 16, 7], "cend"),
    frame("cstr", new Array(500).fill(1), "dend"),
    frame("dstr", new Array(500).fill(1), "dend"),
    frame("dstr", [9, 9], "cend"),
  ];
  for (const c of commands) ch.send(c);
  const segment = new Uint8Array(3000).fill(0x47);
  ch.send(segment.buffer.slice(0));
  ch.send(new Uint8Array(segment.subarray(0, 10)));
  ch.send("text passes");
  assert.equal(sent.length, commands.length + 3);
  for (let i = 0; i < commands.length; i++) assert.equal(sent[i], commands[i], `command ${i} sent as is`);
  const bad = sent[commands.length];
  assert.equal(bad.length, 3000, "length kept");
  assert.notDeepEqual(bad, segment, "bytes changed");
  assert.ok(segment.every((b) => b === 0x47), "the caller's buffer is not modified");
  assert.notDeepEqual(sent[commands.length + 1], segment.subarray(0, 10), "a short tail chunk is corrupted too");
  assert.equal(sent[commands.length + 2], "text passes");
  assert.deepEqual(state.poison, { enabled: true, chunks: 2, bytes: 3010, commands_passed: 4 });
});

test("without poison nothing is changed", () => {
  const { scope, sent } = fakeScope();
  installInstrumentation({ poison: false, maxEvents: 10, binding: "b" }, scope);
  const data = new Uint8Array(1000).fill(3);
  new scope.RTCDataChannel().send(data);
  assert.equal(sent[0], data);
});

test("tracker frames are recorded both ways", () => {
  const { scope } = fakeScope();
  const state = installInstrumentation({ poison: false, maxEvents: 3, binding: "b" }, scope);
  const ws = new scope.WebSocket("ws://127.0.0.1:1/p2p/v1/tracker");
  ws.send(JSON.stringify({ action: "announce", event: "started", peer_id: "-PM0203-aaaaaaaaaaaa", offers: [{}, {}] }));
  ws.receive(JSON.stringify({ action: "announce", interval: 10, complete: 0, incomplete: 2 }));
  ws.receive(JSON.stringify({ action: "announce", offer: { type: "offer" }, peer_id: "-PM0203-bbbbbbbbbbbb" }));
  ws.receive(JSON.stringify({ action: "announce", "failure reason": "unknown info_hash: not a live stream of this tracker" }));
  ws.receive("not json");
  ws.send(JSON.stringify({ action: "announce", answer: { type: "answer" }, to_peer_id: "-PM0203-bbbbbbbbbbbb" }));
  assert.equal(ws.out.length, 2, "frames still go out");
  assert.deepEqual(state.ws.totals, { offers_in: 1, answers_in: 0, failures_in: 1, replies_in: 1, announces_out: 1, offers_out: 2, answers_out: 1 });
  assert.equal(state.ws.events.length, 3, "bounded");
  assert.equal(state.ws.dropped, 2);
  assert.deepEqual(
    state.ws.events.map((e) => [e.dir, e.kind, e.peer || e.reason]),
    [
      ["in", "offer", "-PM0203-bbbbbbbbbbbb"],
      ["in", "failure", "unknown info_hash: not a live stream of this tracker"],
      ["out", "answer", "-PM0203-bbbbbbbbbbbb"],
    ],
  );
});

test("a hide sends the player's stats through the binding", () => {
  const { scope } = fakeScope();
  const got = [];
  scope.b = (s) => got.push(JSON.parse(s));
  scope.srsP2P = { ready: true, stats: () => ({ cdn_bytes: 5 }) };
  installInstrumentation({ poison: false, maxEvents: 3, binding: "b" }, scope);
  scope.fire("visibilitychange"); // still visible: ignored
  scope.document.visibilityState = "hidden";
  scope.fire("visibilitychange");
  scope.fire("pagehide");
  assert.deepEqual(
    got.map((g) => [g.why, g.stats.cdn_bytes]),
    [
      ["visibilitychange", 5],
      ["pagehide", 5],
    ],
  );
});

test("config: defaults, flags over JSON, strictness and loopback only", () => {
  const cfg = parseConfig(["--json-config", '{"url":"http://127.0.0.1:8085/play/live/s","viewers":6,"poison":[1]}', "--duration", "90", "--poison", "3"]);
  assert.equal(cfg.viewers, 6);
  assert.equal(cfg.duration_s, 90);
  assert.deepEqual(cfg.poison, [3]);
  assert.ok(cfg.timeout_s > 90);
  const bad = [
    [[], /url is required/],
    [["--url", "http://example.com/play/live/s"], /must point at this machine/],
    [["--url", "http://10.0.0.1/play/live/s"], /must point at this machine/],
    [["--url", "file:///etc/passwd"], /must be http/],
    [["--json-config", '{"url":"http://127.0.0.1/","viewerz":2}'], /unknown key "viewerz"/],
    [["--json-config", "[1]"], /not a JSON object/],
    [["--url", "http://127.0.0.1/", "--viewers", "0"], /viewers must be a number in 1..16/],
    [["--url", "http://127.0.0.1/", "--viewers", "2", "--poison", "2"], /poison: 2 is not a viewer index/],
    [["--url", "http://127.0.0.1/", "--duration", "-1"], /--duration/],
    [["--url", "http://127.0.0.1/", "--bogus"], /Unknown option/],
  ];
  for (const [args, re] of bad) {
    assert.throws(() => parseConfig(args), (e) => e instanceof ConfigError && re.test(e.message), JSON.stringify(args));
  }
  assert.ok(isLoopbackHost("127.1.2.3") && isLoopbackHost("[::1]") && !isLoopbackHost("127.0.0.256") && !isLoopbackHost("128.0.0.1"));
});
