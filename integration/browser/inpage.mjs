// In-page instrumentation of the viewer pages that viewers.mjs opens.
//
// installInstrumentation runs in every page before any of the page's own
// scripts (page.evaluateOnNewDocument serializes it, so it must stay
// self-contained: no imports, no outer variables). It records, under
// window.__srsE2E:
//   - the WebTorrent tracker frames the page sends and receives (offers
//     relayed to it and from whom, answers, failure reasons), so a test can
//     see the tracker stop offering a peer without trusting any counter of
//     the page or the server;
//   - the ICE candidates the page gathers (type and address), so a test can
//     check that WebRTC stays on this host's own addresses;
//   - on every `visibilitychange` to hidden and on `pagehide`, a snapshot
//     of window.srsP2P.stats() sent to the driver through a CDP binding.
//     The listener is registered in the capture phase before the player's
//     own, so the snapshot holds exactly what the player's final pingback
//     beacon (sent from a later listener of the same event) covers;
//   - when opts.poison is set, the page corrupts every segment byte it
//     uploads (see the comment at the RTCDataChannel wrapper).
//
// Node imports this module too (inpage.test.mjs) and runs the function on
// fake globals.

/**
 * @param {{poison: boolean, maxEvents: number, binding: string}} opts
 * @param {object} [scope] the global object (window in a page)
 */
export function installInstrumentation(opts, scope) {
  const g = scope || globalThis;
  if (g.__srsE2E) return g.__srsE2E;
  const maxEvents = opts.maxEvents > 0 ? opts.maxEvents : 1000;
  const state = {
    ws: { events: [], dropped: 0, totals: { offers_in: 0, answers_in: 0, failures_in: 0, replies_in: 0, announces_out: 0, offers_out: 0, answers_out: 0 } },
    ice: { candidates: [], pcs: 0, connected: 0, failed: 0 },
    poison: { enabled: !!opts.poison, chunks: 0, bytes: 0, commands_passed: 0 },
    snapshots: 0,
  };
  g.__srsE2E = state;

  const push = (ev) => {
    if (state.ws.events.length >= maxEvents) {
      state.ws.events.shift();
      state.ws.dropped++;
    }
    state.ws.events.push(ev);
  };
  const peerText = (v) => (typeof v === "string" ? v.slice(0, 40) : "");

  // Tracker frames: JSON text over the page's WebSockets.
  const recordFrame = (dir, data) => {
    if (typeof data !== "string" || data.length > 1 << 20) return;
    let o;
    try {
      o = JSON.parse(data);
    } catch {
      return;
    }
    if (!o || typeof o !== "object") return;
    const t = Date.now();
    const tot = state.ws.totals;
    if (dir === "in") {
      if (typeof o["failure reason"] === "string") {
        tot.failures_in++;
        push({ t, dir, kind: "failure", reason: o["failure reason"].slice(0, 300) });
      } else if (o.offer) {
        tot.offers_in++;
        push({ t, dir, kind: "offer", peer: peerText(o.peer_id) });
      } else if (o.answer) {
        tot.answers_in++;
        push({ t, dir, kind: "answer", peer: peerText(o.peer_id) });
      } else if (o.interval !== undefined) {
        tot.replies_in++;
        push({ t, dir, kind: "reply", interval: o.interval, complete: o.complete, incomplete: o.incomplete });
      }
    } else if (o.answer) {
      tot.answers_out++;
      push({ t, dir, kind: "answer", peer: peerText(o.to_peer_id) });
    } else if (o.action === "announce") {
      const offers = Array.isArray(o.offers) ? o.offers.length : 0;
      tot.announces_out++;
      tot.offers_out += offers;
      push({ t, dir, kind: "announce", event: o.event || "", offers, peer: peerText(o.peer_id) });
    }
  };
  const OrigWS = g.WebSocket;
  if (typeof OrigWS === "function") {
    const Recorded = class WebSocket extends OrigWS {
      constructor(url, protocols) {
        super(url, protocols);
        this.addEventListener("message", (ev) => recordFrame("in", ev.data));
      }
      send(data) {
        recordFrame("out", data);
        return super.send(data);
      }
    };
    g.WebSocket = Recorded;
  }

  // ICE candidates of every RTCPeerConnection the page makes (the player's
  // peers and its NAT check alike).
  const recordCandidate = (c) => {
    if (!c || typeof c.candidate !== "string" || c.candidate === "") return;
    // candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> ...
    const f = c.candidate.split(" ");
    const typ = f.indexOf("typ");
    const entry = (typ > 0 && f[typ + 1] ? f[typ + 1] : "?") + " " + (f[4] || "?") + " " + (f[2] || "?").toLowerCase();
    if (!state.ice.candidates.includes(entry) && state.ice.candidates.length < 64) {
      state.ice.candidates.push(entry);
    }
  };
  const OrigPC = g.RTCPeerConnection;
  if (typeof OrigPC === "function") {
    g.RTCPeerConnection = class RTCPeerConnection extends OrigPC {
      constructor(...args) {
        super(...args);
        state.ice.pcs++;
        this.addEventListener("icecandidate", (ev) => recordCandidate(ev.candidate));
        this.addEventListener("connectionstatechange", () => {
          if (this.connectionState === "connected") state.ice.connected++;
          if (this.connectionState === "failed") state.ice.failed++;
        });
      }
    };
  }

  // Poison: p2p-media-loader 2.3.1 sends two kinds of binary messages on a
  // peer's data channel (p2p/peer-protocol.js, commands/binary-command-
  // creator.js): protocol commands, each chunk framed by a 4-byte start
  // marker ("cstr" or "dstr") and a 4-byte end marker ("cend" or "dend"),
  // and raw segment bytes, sent unframed in chunks of at most
  // webRtcMaxMessageSize right after a SegmentData command that announced
  // their total size. Flipping bytes inside the unframed chunks (never
  // changing their length) keeps the protocol intact, so the receiver gets a
  // segment of the announced size whose content is wrong: exactly what only
  // the SDK's SHA-256 check can catch.
  const marker = (u8, at, a, b) =>
    [a, b].some((m) => m.charCodeAt(0) === u8[at] && m.charCodeAt(1) === u8[at + 1] && m.charCodeAt(2) === u8[at + 2] && m.charCodeAt(3) === u8[at + 3]);
  const isCommandChunk = (u8) => u8.length >= 8 && marker(u8, 0, "cstr", "dstr") && marker(u8, u8.length - 4, "cend", "dend");
  g.__srsE2EIsCommandChunk = isCommandChunk;
  const DC = g.RTCDataChannel;
  if (opts.poison && DC && DC.prototype && typeof DC.prototype.send === "function") {
    const origSend = DC.prototype.send;
    DC.prototype.send = function (data) {
      let u8 = null;
      if (data instanceof ArrayBuffer) u8 = new Uint8Array(data);
      else if (ArrayBuffer.isView(data)) u8 = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      if (!u8 || u8.length === 0) return origSend.call(this, data);
      if (isCommandChunk(u8)) {
        state.poison.commands_passed++;
        return origSend.call(this, data);
      }
      // A copy: the uploader's own stored segment stays intact.
      const bad = new Uint8Array(u8);
      for (let i = 0; i < bad.length; i += 997) bad[i] ^= 0xa5;
      bad[bad.length - 1] ^= 0x5a;
      state.poison.chunks++;
      state.poison.bytes += bad.length;
      return origSend.call(this, bad);
    };
  }

  // A snapshot on every hide; the driver keeps the last one, taken when it
  // navigates the page away at the end of the run.
  const finalSnapshot = (why) => {
    if (why === "visibilitychange" && g.document && g.document.visibilityState !== "hidden") return;
    state.snapshots++;
    let stats = null;
    let error = null;
    try {
      stats = g.srsP2P && typeof g.srsP2P.stats === "function" ? g.srsP2P.stats() : null;
    } catch (e) {
      error = String(e && e.message ? e.message : e);
    }
    const send = g[opts.binding];
    if (typeof send === "function") {
      send(JSON.stringify({ why, t: Date.now(), stats, error }));
    }
  };
  if (typeof g.addEventListener === "function") {
    g.addEventListener("visibilitychange", () => finalSnapshot("visibilitychange"), true);
    g.addEventListener("pagehide", () => finalSnapshot("pagehide"), true);
  }
  return state;
}
