import { test } from "node:test";
import assert from "node:assert/strict";
import { classifyNat, natPair, parseCandidate, runNatCheck } from "../src/nat.js";
import { FakeClock } from "./helpers.js";

const A = "stun:stun.example:3478";
const B = "stun:stun.example:3479";
const host = (addr, port) => ({ type: "host", protocol: "udp", address: addr, port, relatedAddress: "", relatedPort: 0 });
const srflx = (url, addr, port, base = "10.0.0.2", basePort = 50000) => ({
  type: "srflx",
  protocol: "udp",
  address: addr,
  port,
  relatedAddress: base,
  relatedPort: basePort,
  url,
});

test("NAT classification from gathered candidates", () => {
  const cases = [
    {
      name: "same mapping from both ports",
      g: { candidates: [host("10.0.0.2", 50000), srflx(A, "198.51.100.7", 61000), srflx(B, "198.51.100.7", 61000)], errors: [], complete: true },
      want: "endpoint_independent",
    },
    {
      name: "a different port per destination",
      g: { candidates: [srflx(A, "198.51.100.7", 61000), srflx(B, "198.51.100.7", 61001)], errors: [], complete: true },
      want: "endpoint_dependent",
    },
    {
      name: "a different port per destination, gathering cut short",
      g: { candidates: [srflx(A, "198.51.100.7", 61000), srflx(B, "198.51.100.7", 62000)], errors: [], complete: false },
      want: "endpoint_dependent",
    },
    {
      name: "different IPs per destination",
      g: { candidates: [srflx(A, "198.51.100.7", 61000), srflx(B, "198.51.100.8", 61000)], errors: [], complete: true },
      want: "endpoint_dependent",
    },
    {
      name: "one srflx, both servers answered: the browser merged the identical second one",
      g: { candidates: [host("10.0.0.2", 50000), srflx(A, "198.51.100.7", 61000)], errors: [], complete: true },
      want: "endpoint_independent",
    },
    {
      name: "one srflx and the other server failed",
      g: { candidates: [srflx(A, "198.51.100.7", 61000)], errors: [{ url: B, code: 701 }], complete: true },
      want: "unknown",
    },
    {
      name: "one srflx and a timeout",
      g: { candidates: [srflx(A, "198.51.100.7", 61000)], errors: [], complete: false },
      want: "unknown",
    },
    {
      name: "two sockets, each mapped the same by both ports",
      g: {
        candidates: [
          srflx(A, "198.51.100.7", 61000, "10.0.0.2", 50000),
          srflx(B, "198.51.100.7", 61000, "10.0.0.2", 50000),
          srflx(A, "198.51.100.7", 61002, "10.0.0.3", 50002),
          srflx(B, "198.51.100.7", 61002, "10.0.0.3", 50002),
        ],
        errors: [],
        complete: true,
      },
      want: "endpoint_independent",
    },
    {
      name: "no srflx, servers unreachable",
      g: { candidates: [host("10.0.0.2", 50000)], errors: [{ url: A, code: 701 }, { url: B, code: 701 }], complete: true },
      want: "no_udp",
    },
    {
      name: "no srflx before the timeout",
      g: { candidates: [host("10.0.0.2", 50000)], errors: [], complete: false },
      want: "no_udp",
    },
    {
      name: "no srflx, clean gathering: no NAT (the reflexive address equals the host's)",
      g: { candidates: [host("127.0.0.1", 50000)], errors: [], complete: true },
      want: "endpoint_independent",
    },
    {
      name: "nothing at all",
      g: { candidates: [], errors: [], complete: true },
      want: "no_udp",
    },
    {
      name: "tcp srflx does not count",
      g: { candidates: [{ ...srflx(A, "198.51.100.7", 61000), protocol: "tcp" }, { ...srflx(B, "198.51.100.7", 61009), protocol: "tcp" }], errors: [{ url: A }], complete: true },
      want: "no_udp",
    },
  ];
  for (const c of cases) assert.equal(classifyNat(c.g), c.want, c.name);
});

test("the check needs two ports of one host", () => {
  assert.deepEqual(natPair([A, B]), [A, B]);
  assert.deepEqual(natPair(["stun:other:3478", A, "stun:STUN.example:3479"]), [A, "stun:STUN.example:3479"]);
  assert.equal(natPair([A]), null);
  assert.equal(natPair([A, "stun:stun.example"]), null, "the default port is 3478: same port");
  assert.equal(natPair([A, "stun:elsewhere:3479"]), null);
  assert.equal(natPair(["stuns:stun.example:5349", B]), null, "stuns runs over TLS/TCP: no UDP mapping");
});

test("candidate lines parse", () => {
  assert.deepEqual(parseCandidate("candidate:842163049 1 udp 1677729535 198.51.100.7 61000 typ srflx raddr 10.0.0.2 rport 50000 generation 0"), {
    protocol: "udp",
    address: "198.51.100.7",
    port: 61000,
    type: "srflx",
    relatedAddress: "10.0.0.2",
    relatedPort: 50000,
  });
  assert.equal(parseCandidate("candidate:1 1 udp 1 1.2.3.4 5"), null);
  assert.equal(parseCandidate(""), null);
});

/** An RTCPeerConnection double that emits scripted ICE events once an offer is set. */
function fakePC(script) {
  const made = [];
  class PC extends EventTarget {
    constructor(config) {
      super();
      this.config = config;
      this.iceGatheringState = "new";
      this.closed = false;
      made.push(this);
    }
    createDataChannel() {}
    async createOffer() {
      return { type: "offer", sdp: "" };
    }
    async setLocalDescription() {
      for (const ev of script) {
        if (ev.error) {
          const e = new Event("icecandidateerror");
          Object.assign(e, { url: ev.error, errorCode: 701 });
          this.dispatchEvent(e);
        } else {
          const e = new Event("icecandidate");
          Object.assign(e, { candidate: ev.line === null ? null : { candidate: ev.line }, url: ev.url });
          this.dispatchEvent(e);
        }
      }
    }
    close() {
      this.closed = true;
    }
  }
  return { PC, made };
}

test("runNatCheck gathers with one connection holding both servers", async () => {
  const { PC, made } = fakePC([
    { line: "candidate:1 1 udp 2122260223 10.0.0.2 50000 typ host generation 0" },
    { line: "candidate:2 1 udp 1686052607 198.51.100.7 61000 typ srflx raddr 10.0.0.2 rport 50000", url: A },
    { line: "candidate:2 1 udp 1686052607 198.51.100.7 61001 typ srflx raddr 10.0.0.2 rport 50000", url: B },
    { line: null },
  ]);
  const r = await runNatCheck([A, B], { RTCPeerConnection: PC, clock: new FakeClock() });
  assert.equal(r.nat, "endpoint_dependent");
  assert.equal(made.length, 1);
  assert.deepEqual(made[0].config.iceServers, [{ urls: A }, { urls: B }]);
  assert.equal(made[0].closed, true);
  assert.equal(r.candidates[1].url, A);
});

test("runNatCheck gives up after the timeout", async () => {
  const { PC, made } = fakePC([{ line: "candidate:1 1 udp 2122260223 10.0.0.2 50000 typ host" }]);
  const clock = new FakeClock();
  const p = runNatCheck([A, B], { RTCPeerConnection: PC, clock, timeoutMs: 3000 });
  await clock.advance(3000);
  const r = await p;
  assert.equal(r.nat, "no_udp");
  assert.equal(r.complete, false);
  assert.equal(made[0].closed, true);
});
