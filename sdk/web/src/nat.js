// The NAT mapping check (sidecar/stunserver/doc.go, "The NAT mapping check, for SDK authors").
//
// P2P between two viewers mostly fails when a NAT maps each destination to a different public
// port (RFC 4787 "address and port dependent mapping", often called symmetric NAT). srs-p2p's STUN
// server listens on two ports of one host, and the manifest lists both. The check gathers ICE
// candidates from ONE RTCPeerConnection whose iceServers are those two URLs: each local socket
// then sends a Binding request to both ports, and each server-reflexive (srflx) candidate tells
// the public address the NAT gave that socket towards one port (its relatedAddress/relatedPort
// name the socket, the event's url the server).
//
// Classification, per local socket:
//   - two different mapped addresses            -> "endpoint_dependent" (P2P will mostly fail)
//   - the same mapped address from both servers -> "endpoint_independent"
//   - one srflx, gathering completed with no STUN error: both servers answered and the browser
//     dropped the second, identical candidate (Chrome does) -> "endpoint_independent"
//   - no srflx, gathering completed with no STUN error and host candidates present: both servers
//     answered with the socket's own address (no NAT; Chrome drops a srflx equal to the host
//     candidate when mDNS is off) -> "endpoint_independent"
//   - no srflx otherwise (servers unreachable, UDP blocked, timeout) -> "no_udp"
//   - anything else (one answer and an error or a timeout) -> "unknown": inconclusive, never read
//     as "per destination".
// Separate RTCPeerConnections per server would compare two different local sockets, whose mapped
// ports differ even behind the friendliest NAT, so the check uses one.

import { parseSTUN } from "./urls.js";
import { realClock } from "./clock.js";

export const NAT_TIMEOUT_MS = 3000;

/**
 * Picks the first two STUN URLs (scheme stun, so UDP) with the same host and different ports.
 * @param {string[]} urls
 * @returns {[string, string] | null}
 */
export function natPair(urls) {
  const parsed = urls.map((u) => ({ u, p: parseSTUN(u) })).filter(({ p }) => typeof p === "object" && p.scheme === "stun");
  for (let i = 0; i < parsed.length; i++) {
    for (let j = i + 1; j < parsed.length; j++) {
      const a = parsed[i].p;
      const b = parsed[j].p;
      if (a.host === b.host && a.port !== b.port) return [parsed[i].u, parsed[j].u];
    }
  }
  return null;
}

/**
 * Parses an ICE candidate line ("candidate:1 1 udp 2122260223 192.0.2.1 54321 typ srflx raddr
 * 10.0.0.2 rport 5000 ...") into the fields the check needs, or null.
 */
export function parseCandidate(line) {
  const f = String(line).replace(/^a=/, "").split(/\s+/);
  if (f.length < 8 || !f[0].startsWith("candidate:") || f[6] !== "typ") return null;
  const c = { protocol: f[2].toLowerCase(), address: f[4], port: Number(f[5]), type: f[7], relatedAddress: "", relatedPort: 0 };
  for (let i = 8; i + 1 < f.length; i += 2) {
    if (f[i] === "raddr") c.relatedAddress = f[i + 1];
    if (f[i] === "rport") c.relatedPort = Number(f[i + 1]);
  }
  return c;
}

/**
 * Classifies the NAT from what one gathering produced.
 * @param {{candidates: {type: string, protocol: string, address: string, port: number,
 *   relatedAddress: string, relatedPort: number, url?: string}[],
 *   errors: {url?: string}[], complete: boolean}} g
 * @returns {"endpoint_independent"|"endpoint_dependent"|"no_udp"|"unknown"}
 */
export function classifyNat({ candidates, errors, complete }) {
  const udp = candidates.filter((c) => c.protocol === "udp");
  const srflx = udp.filter((c) => c.type === "srflx");
  const clean = complete && errors.length === 0;
  if (srflx.length === 0) {
    return clean && udp.some((c) => c.type === "host") ? "endpoint_independent" : "no_udp";
  }
  const sockets = new Map();
  for (const c of srflx) {
    const key = `${c.relatedAddress}|${c.relatedPort}`;
    if (!sockets.has(key)) sockets.set(key, []);
    sockets.get(key).push(c);
  }
  let same = false;
  for (const list of sockets.values()) {
    const mapped = new Set(list.map((c) => `${c.address}|${c.port}`));
    if (mapped.size > 1) return "endpoint_dependent";
    if (new Set(list.map((c) => c.url).filter(Boolean)).size > 1) same = true;
  }
  if (same || clean) return "endpoint_independent";
  return "unknown";
}

/**
 * Runs the check in a browser: one RTCPeerConnection with both STUN URLs, a data channel so ICE
 * gathers, and a wait for gathering to complete or timeoutMs.
 * @param {[string, string]} pair
 * @param {{RTCPeerConnection?: any, clock?: import("./clock.js").Clock, timeoutMs?: number}} [deps]
 */
export async function runNatCheck(pair, { RTCPeerConnection = globalThis.RTCPeerConnection, clock = realClock, timeoutMs = NAT_TIMEOUT_MS } = {}) {
  if (!RTCPeerConnection) return { nat: "unknown", candidates: [], errors: [], complete: false };
  const pc = new RTCPeerConnection({ iceServers: pair.map((urls) => ({ urls })) });
  const g = { candidates: [], errors: [], complete: false };
  let timer = null;
  try {
    await new Promise((resolve) => {
      timer = clock.setTimeout(resolve, timeoutMs);
      pc.addEventListener("icecandidate", (e) => {
        if (!e.candidate) {
          g.complete = true;
          resolve();
          return;
        }
        const c = parseCandidate(e.candidate.candidate);
        if (c) g.candidates.push({ ...c, url: e.url ?? e.candidate.url ?? undefined });
      });
      pc.addEventListener("icecandidateerror", (e) => {
        if (pair.includes(e.url)) g.errors.push({ url: e.url, code: e.errorCode });
      });
      pc.addEventListener("icegatheringstatechange", () => {
        if (pc.iceGatheringState === "complete") {
          g.complete = true;
          resolve();
        }
      });
      pc.createDataChannel("srs-p2p-nat-check");
      pc.createOffer()
        .then((offer) => pc.setLocalDescription(offer))
        .catch(resolve);
    });
  } finally {
    clock.clearTimeout(timer);
    pc.close();
  }
  return { nat: classifyNat(g), ...g };
}
