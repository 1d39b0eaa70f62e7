// @webp2p/srs-p2p: hls.js + p2p-media-loader driven by the srs-p2p manifest. See README.md.

import Hls from "hls.js";
import { HlsJsP2PEngine } from "p2p-media-loader-hlsjs";
import { Core } from "p2p-media-loader-core";
import { realClock } from "./clock.js";
import { deviceClass, makePeerId, makeSession } from "./identity.js";
import { SOLO_AFTER, START_DEPTH, liveSettings, playlistDepth, soloHighDemandWindow, startWaitMs } from "./latency.js";
import { natPair, runNatCheck } from "./nat.js";
import { Pingback } from "./pingback.js";
import { PlaybackMonitor } from "./playback.js";
import { ManifestSource } from "./source.js";
import { Tally } from "./tally.js";
import { manifestUrlFor, withToken } from "./urls.js";
import { makeValidator } from "./verify.js";
import { P2PEvents } from "./events.js";

export { SDK_NAME, SDK_VERSION } from "./pingback.js";
export { parseManifest, ManifestError } from "./manifest.js";
export { liveSettings } from "./latency.js";
export { classifyNat } from "./nat.js";

const STATS_PERIOD_MS = 1000;
const MAX_MEDIA_RECOVERIES = 3;

/** Seconds of media buffered ahead of the playhead. */
function bufferAhead(video) {
  const t = video.currentTime;
  const b = video.buffered;
  for (let i = 0; i < b.length; i++) {
    if (b.start(i) <= t + 0.1 && t < b.end(i)) return b.end(i) - t;
  }
  return 0;
}

/**
 * Creates a player for an srs-p2p live stream: fetches the manifest next to the playlist, then
 * plays with hls.js and p2p-media-loader configured from it. Without a usable manifest it plays
 * from the CDN only (player.stats().manifest_error says why). Documented in README.md.
 *
 * @param {object} o
 * @param {string} o.playlistUrl the .m3u8 URL (absolute, or relative to the page)
 * @param {HTMLVideoElement} o.video
 * @param {string} [o.token] viewer token, appended as ?token= to tracker and pingback URLs
 * @param {boolean} [o.pingback=true] send pingback reports when the manifest names a server
 * @param {boolean} [o.natCheck=true] run the NAT mapping check when the manifest lists two STUN ports
 * @param {object} [o.hlsConfig] hls.js settings over the SDK's live settings
 * @param {object} [o.coreConfig] p2p-media-loader core settings over the SDK's (validateP2PSegment
 *   and trackerClientVersionPrefix stay the SDK's)
 * @param {(stats: object) => void} [o.onStats] called every second with stats()
 * @param {(message: string) => void} [o.onError] called with fatal playback errors
 */
export async function createPlayer({
  playlistUrl,
  video,
  token,
  pingback = true,
  natCheck = true,
  hlsConfig = {},
  coreConfig = {},
  onStats,
  onError,
} = {}) {
  const clock = realClock;
  const startedAt = clock.now();
  if (!video || typeof video.addEventListener !== "function") throw new TypeError("createPlayer: video element required");
  if (typeof playlistUrl !== "string" || playlistUrl === "") throw new TypeError("createPlayer: playlistUrl required");
  if (token !== undefined && token !== null && !/^[A-Za-z0-9._~-]{1,256}$/.test(String(token))) {
    throw new TypeError("createPlayer: token has characters a token never has");
  }
  const page = globalThis.location?.href;
  const playlist = new URL(playlistUrl, page).href;
  const manifestUrl = manifestUrlFor(playlist);

  const tally = new Tally();
  const monitor = new PlaybackMonitor({ video, tally, clock, startedAt });
  const peerId = makePeerId(Core.DEFAULT_STREAM_CONFIG.trackerClientVersionPrefix);
  const session = makeSession();
  const events = new P2PEvents(tally, (n) => peersChanged(n));
  let hls = null;
  let p2pOn = false;
  let nat = "unknown";
  let natDetail = null;
  let fatal = null;
  let mediaRecoveries = 0;
  let destroyed = false;
  let pb = null;
  let solo = false;
  let soloTimer = null;

  // Alone in the swarm for a while: buffer from the CDN like a plain player (see latency.js).
  const setSolo = (on) => {
    const m = source.current;
    if (on === solo || !m || !hls?.p2pEngine || coreConfig.highDemandTimeWindow !== undefined) return;
    solo = on;
    const highDemand = on ? soloHighDemandWindow(m.target_duration) : liveSettings(m.target_duration).core.highDemandTimeWindow;
    hls.p2pEngine.applyDynamicConfig({ core: { highDemandTimeWindow: highDemand } });
  };
  const peersChanged = (n) => {
    clearTimeout(soloTimer);
    soloTimer = null;
    if (n > 0) {
      setSolo(false);
      return;
    }
    if (!p2pOn || destroyed) return;
    const t = source.current?.target_duration ?? 2;
    soloTimer = setTimeout(() => {
      soloTimer = null;
      setSolo(true);
    }, SOLO_AFTER * t * 1000);
  };

  const fail = (message) => {
    fatal = message;
    onError?.(message);
  };

  let builtSwarm = null; // the swarm the running player was built for
  let rebuildBy = null; // when a pending rebuild for a new epoch happens at the latest
  const source = new ManifestSource({
    url: manifestUrl,
    onUpdate: (next, prev) => {
      if (pb && prev && next.p2p.pingback && next.p2p.pingback !== prev.p2p.pingback) pb.url = withToken(next.p2p.pingback, token);
      // A new epoch is a new swarm: leave the old one (p2p-media-loader cannot change swarmId
      // on a running engine, so the player is rebuilt on the same video element) once the new
      // epoch's playlist is deep enough, or after startWaitMs (see latency.js). The refresh
      // brings a new manifest every target duration, so this is checked again until then.
      // A player that started without a manifest (builtSwarm null) is upgraded the same way.
      if (!hls || destroyed || next.swarm_id === builtSwarm) return;
      rebuildBy ??= clock.now() + startWaitMs(next.target_duration);
      if (playlistDepth(next) >= START_DEPTH || clock.now() >= rebuildBy) {
        rebuildBy = null;
        queueMicrotask(() => {
          if (destroyed) return;
          // The old epoch may have ended (a playlist with EXT-X-ENDLIST pauses the video).
          const resume = !video.paused || video.ended;
          build();
          if (resume) video.play().catch(() => {});
        });
      }
    },
  });
  let manifestError = null;
  try {
    await source.load();
    const t = source.current.target_duration;
    await source.waitFor((m) => playlistDepth(m) >= START_DEPTH, startWaitMs(t), Math.min(1000, t * 500));
  } catch (err) {
    manifestError = `manifest ${manifestUrl}: ${err.message}`;
  }

  const validateP2PSegment = makeValidator({
    source,
    peerFor: (url) => events.peerFor(url),
    onResult: (r) => events.validated(r),
  });

  // The NAT check and pingback start with the first manifest (at load, or when a player that
  // started without one is upgraded).
  let servicesStarted = false;
  function startServices(m) {
    if (servicesStarted) return;
    servicesStarted = true;
    const pair = natCheck && p2pOn ? natPair(m.p2p.stun) : null;
    if (pair) {
      runNatCheck(pair)
        .then((r) => {
          nat = r.nat;
          natDetail = r;
        })
        .catch(() => {});
    }
    if (!pingback || !m.p2p.pingback) return;
    pb = new Pingback({
      url: m.p2p.pingback,
      token,
      session,
      device: deviceClass(globalThis.navigator?.userAgent ?? ""),
      state: () => ({
        swarm_id: source.current?.swarm_id ?? "",
        peer_id: p2pOn ? peerId : "",
        nat,
        buffer_s: bufferAhead(video),
        peers_connected: events.peers.size,
        startup_ms: monitor.startupMs,
      }),
      takeDelta: () => {
        monitor.checkpoint();
        return tally.takeDelta();
      },
    });
    pb.start();
  }

  function build() {
    if (hls) monitor.reload();
    hls?.destroy();
    events.reset();
    const m = source.current;
    builtSwarm = m?.swarm_id ?? null;
    p2pOn = Boolean(m && m.p2p.trackers.length > 0);
    if (!Hls.isSupported()) {
      // Safari on iOS before MSE: native HLS, CDN only.
      hls = null;
      video.src = playlist;
      return;
    }
    if (!m) {
      hls = new Hls({ enableWorker: false, ...hlsConfig });
    } else {
      const live = liveSettings(m.target_duration);
      const HlsWithP2P = HlsJsP2PEngine.injectMixin(Hls);
      hls = new HlsWithP2P({
        ...live.hls,
        ...hlsConfig,
        p2p: {
          core: {
            ...live.core,
            announceTrackers: m.p2p.trackers.map((u) => withToken(u, token)),
            rtcConfig: { iceServers: m.p2p.stun.length > 0 ? [{ urls: m.p2p.stun }] : [] },
            swarmId: m.swarm_id,
            isP2PDisabled: !p2pOn,
            ...coreConfig,
            validateP2PSegment,
            trackerClientVersionPrefix: peerId,
          },
        },
      });
      events.attach(hls.p2pEngine);
      solo = false;
      peersChanged(0);
      manifestError = null;
      startServices(m);
    }
    hls.on(Hls.Events.FRAG_LOADED, (_, data) => {
      // Fragments p2p-media-loader does not know (an fMP4 init segment, or any fragment when
      // there is no manifest) go through hls.js's own loader: count them as CDN traffic.
      if (data.networkDetails) {
        tally.add("cdn_bytes", data.payload?.byteLength || data.frag?.stats?.loaded || 0);
        tally.add("segments_cdn");
      }
    });
    hls.on(Hls.Events.ERROR, (_, data) => {
      if (!data.fatal) return;
      if (data.type === Hls.ErrorTypes.MEDIA_ERROR && mediaRecoveries < MAX_MEDIA_RECOVERIES) {
        mediaRecoveries++;
        hls.recoverMediaError();
        return;
      }
      fail(`hls.js ${data.type}: ${data.details}${data.response?.code ? ` (HTTP ${data.response.code})` : ""}`);
    });
    hls.attachMedia(video);
    hls.loadSource(playlist);
  }
  build();
  // Refresh while the viewer watches: playing, or at the end of an epoch whose playlist ended
  // (the next epoch's manifest is what brings playback back), not while the viewer paused.
  source.startRefresh(() => !destroyed && (!video.paused || video.ended));

  // The final report goes out once per hide: a tab that comes back keeps reporting.
  let hidden = false;
  const onHide = () => {
    if (hidden) return;
    hidden = true;
    pb?.final();
  };
  const onVisibility = () => {
    if (globalThis.document?.visibilityState === "hidden") onHide();
    else hidden = false;
  };
  globalThis.addEventListener?.("pagehide", onHide);
  globalThis.document?.addEventListener("visibilitychange", onVisibility);

  function stats() {
    monitor.checkpoint();
    const t = tally.total;
    const latency = hls?.latency;
    return {
      swarm_id: source.current?.swarm_id ?? "",
      peer_id: p2pOn ? peerId : "",
      nat,
      playing: monitor.playing,
      current_time: video.currentTime,
      live_latency_s: Number.isFinite(latency) && latency > 0 ? Math.round(latency * 1000) / 1000 : null,
      startup_ms: monitor.startupMs,
      cdn_bytes: t.cdn_bytes,
      p2p_down_bytes: t.p2p_down_bytes,
      p2p_up_bytes: t.p2p_up_bytes,
      segments_cdn: t.segments_cdn,
      segments_p2p: t.segments_p2p,
      verified: t.verified,
      rejected: t.rejected,
      rejected_by_peer: Object.fromEntries(tally.rejectedByPeer),
      peers: events.peers.size,
      stalls: t.stalls,
      stall_ms: t.stall_ms,
      pingbacks_sent: pb?.sent ?? 0,
      pingback_errors: pb?.errors ?? 0,
      tracker_errors: [...tally.trackerErrors],
      // Beyond the test contract: for people.
      unverifiable: t.unverifiable,
      watch_ms: t.watch_ms,
      conn_ok: t.conn_ok,
      conn_fail: t.conn_fail,
      buffer_s: Math.round(bufferAhead(video) * 1000) / 1000,
      p2p: p2pOn,
      solo,
      session,
      manifest_error: manifestError,
      manifest_refresh_errors: source.errors,
      pingback_last_error: pb?.lastError ?? "",
      error: fatal,
    };
  }

  const statsTimer = onStats ? setInterval(() => onStats(stats()), STATS_PERIOD_MS) : null;

  return {
    get hls() {
      return hls;
    },
    video,
    peerId,
    session,
    manifestUrl,
    get manifest() {
      return source.current;
    },
    get nat() {
      return natDetail;
    },
    get error() {
      return fatal ?? manifestError;
    },
    stats,
    /** Sends the final pingback report and releases everything. */
    destroy() {
      if (destroyed) return;
      destroyed = true;
      if (!hidden) pb?.final();
      pb?.close();
      source.close();
      clearTimeout(soloTimer);
      if (statsTimer) clearInterval(statsTimer);
      globalThis.removeEventListener?.("pagehide", onHide);
      globalThis.document?.removeEventListener("visibilitychange", onVisibility);
      monitor.close();
      hls?.destroy();
      hls = null;
    },
  };
}
