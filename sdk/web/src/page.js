// The player page served by srs-p2p at /play/{app}/{stream} (sidecar/player): a video and live
// P2P statistics. Bundled with hls.js and p2p-media-loader into sidecar/player/dist/player.js.
//
// Test contract (integration/browser drives pages through it): window.srsP2P = {ready, error,
// stats(), player}. ready turns true once the player is created; error is null or a string;
// stats() returns the cumulative counters (see index.js); player is what createPlayer returned.
//
// Query overrides: ?src=<playlist URL> (same origin, or http/https), ?token=<viewer token>,
// ?muted=0 to start with sound (default muted, so autoplay is allowed).

import { createPlayer } from "./index.js";

const EMPTY = {
  swarm_id: "",
  peer_id: "",
  nat: "unknown",
  playing: false,
  current_time: 0,
  live_latency_s: null,
  startup_ms: null,
  cdn_bytes: 0,
  p2p_down_bytes: 0,
  p2p_up_bytes: 0,
  segments_cdn: 0,
  segments_p2p: 0,
  verified: 0,
  rejected: 0,
  rejected_by_peer: {},
  peers: 0,
  stalls: 0,
  stall_ms: 0,
  pingbacks_sent: 0,
  pingback_errors: 0,
  tracker_errors: [],
};

const state = {
  ready: false,
  error: null,
  player: null,
  stats() {
    return state.player ? state.player.stats() : { ...EMPTY, rejected_by_peer: {}, tracker_errors: [] };
  },
};
window.srsP2P = state;

function formatBytes(n) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}

function setText(name, text) {
  for (const el of document.querySelectorAll(`[data-stat="${name}"]`)) el.textContent = text;
}

function showError(text) {
  state.error = text;
  const el = document.getElementById("srs-p2p-error");
  if (el) {
    el.textContent = text;
    el.hidden = false;
  }
}

function render(s) {
  const total = s.p2p_down_bytes + s.cdn_bytes;
  const share = total > 0 ? s.p2p_down_bytes / total : 0;
  setText("share", total > 0 ? `${(share * 100).toFixed(1)} %` : "–");
  const bar = document.querySelector('[data-bar="share"]');
  if (bar) bar.style.width = `${(share * 100).toFixed(1)}%`;
  setText("peers", String(s.peers));
  setText("cdn", formatBytes(s.cdn_bytes));
  setText("p2p_down", formatBytes(s.p2p_down_bytes));
  setText("p2p_up", formatBytes(s.p2p_up_bytes));
  setText("segments", `${s.segments_cdn} / ${s.segments_p2p}`);
  setText("verify", `${s.verified} / ${s.rejected}`);
  setText("stalls", s.stalls > 0 ? `${s.stalls} (${(s.stall_ms / 1000).toFixed(1)} s)` : "0");
  setText("latency", s.live_latency_s === null ? "–" : `${s.live_latency_s.toFixed(1)} s`);
  setText("startup", s.startup_ms === null ? "–" : `${s.startup_ms} ms`);
  setText("nat", s.nat.replace(/_/g, " "));
  setText("peer_id", s.peer_id || "–");
  setText("swarm", s.swarm_id || "–");
  setText("pingback", s.p2p === false && !s.swarm_id ? "off" : `${s.pingbacks_sent} sent, ${s.pingback_errors} failed`);
  const list = document.querySelector('[data-stat="tracker_errors"]');
  if (list) {
    list.replaceChildren(
      ...s.tracker_errors.map((t) => {
        const li = document.createElement("li");
        li.textContent = `tracker: ${t}`;
        return li;
      }),
    );
  }
  const blamed = Object.entries(s.rejected_by_peer);
  setText("blamed", blamed.length ? blamed.map(([p, n]) => `${p || "unknown"}: ${n}`).join(", ") : "–");
}

/** The playlist URL: the page's, or ?src= when it is same-origin or http(s). */
function playlistFrom(root, params) {
  const src = params.get("src");
  if (src === null || src === "") return root.dataset.playlist;
  const u = new URL(src, window.location.href);
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error(`?src: scheme ${u.protocol} is not http or https`);
  return u.href;
}

async function main() {
  const root = document.getElementById("srs-p2p-player");
  const video = document.getElementById("srs-p2p-video");
  if (!root || !video) {
    showError("player page: missing #srs-p2p-player or #srs-p2p-video");
    return;
  }
  const params = new URLSearchParams(window.location.search);
  const muted = params.get("muted") !== "0";
  video.muted = muted;
  video.autoplay = true;
  let player;
  try {
    player = await createPlayer({
      playlistUrl: playlistFrom(root, params),
      video,
      token: params.get("token") || undefined,
      onStats: render,
      onError: showError,
    });
  } catch (err) {
    showError(String(err?.message ?? err));
    return;
  }
  state.player = player;
  state.ready = true;
  const s = player.stats();
  if (s.manifest_error) showError(`${s.manifest_error} (playing from the CDN without P2P)`);
  render(s);
  video.play().catch(() => {
    // Autoplay with sound is often refused: play muted instead.
    video.muted = true;
    video.play().catch(() => {});
  });
}

main();
