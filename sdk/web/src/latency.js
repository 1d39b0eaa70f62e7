// Live-latency settings: how far behind the live edge a viewer plays, and when it gives up on
// peers and takes a segment from the CDN. sdk/web/README.md explains the choice; in short, with T
// the playlist's target duration:
//
//   - hls.js holds the playhead LIVE_SYNC_COUNT (4) target durations behind the live edge and jumps
//     back there past MAX_LATENCY_COUNT (8); it buffers up to the live edge.
//   - p2p-media-loader takes a segment from the CDN at once only when it is within one target
//     duration of the playhead (highDemandTimeWindow = T). Before that, a new segment can come
//     only from a peer, or from the CDN through the library's random prefetch that seeds about one
//     viewer in (peers + 1) per segment.
//   - A viewer with no peer connected for SOLO_AFTER target durations buffers like a plain
//     player instead (highDemandTimeWindow up to the live edge, see soloHighDemandWindow): nobody
//     is there to share with, and a thin buffer would only risk stalls. The first peer brings the
//     swarm window back.
//   - So a segment that just appeared in the playlist has between 4T - 2S - T and 4T - S - T
//     seconds (S = segment duration <= T, the range being how late the viewer's own playlist
//     refresh sees it), i.e. at least one T, to travel through the swarm before any viewer falls
//     back to the CDN for it. That time is what buys offload; it costs latency.

export const LIVE_SYNC_COUNT = 4;
export const MAX_LATENCY_COUNT = 8;
/** Target durations without any connected peer after which a viewer buffers from the CDN alone. */
export const SOLO_AFTER = 1;

/**
 * Playlist segments a stream should have before playback starts. hls.js cannot start further
 * behind the edge than the playlist reaches and, playing at 1x, never falls back later: a viewer
 * that starts on a two-segment playlist (a stream that just began, or a new epoch) would stay at
 * the edge, where every segment is already high demand and nothing is left for peers.
 */
export const START_DEPTH = LIVE_SYNC_COUNT + 1;

/** How long to wait for START_DEPTH segments before starting anyway (a short window). */
export function startWaitMs(targetDuration) {
  return Math.min(20_000, START_DEPTH * Math.max(1, Number(targetDuration) || 1) * 1000);
}

/** Segments of the current playlist listed in a manifest (retained ones excluded). */
export function playlistDepth(m) {
  let n = 0;
  for (const s of m.segments) if (!s.retained) n++;
  return n;
}

/** The highDemandTimeWindow of a viewer with no peers: everything up to the live edge. */
export function soloHighDemandWindow(targetDuration) {
  return (LIVE_SYNC_COUNT + 1) * Math.max(1, Number(targetDuration) || 1);
}

/**
 * Returns the hls.js and p2p-media-loader core settings for a stream of target duration T seconds.
 * @param {number} targetDuration the manifest's target_duration (the playlist's EXT-X-TARGETDURATION)
 */
export function liveSettings(targetDuration) {
  const t = Math.max(1, Number(targetDuration) || 1);
  const behind = LIVE_SYNC_COUNT * t;
  return {
    hls: {
      liveSyncDurationCount: LIVE_SYNC_COUNT,
      liveMaxLatencyDurationCount: MAX_LATENCY_COUNT,
      // No speed-up to catch up: every viewer plays at 1x, so viewers stay spread around the same
      // distance from the edge and keep needing the same segments at about the same time.
      maxLiveSyncPlaybackRate: 1,
      // Buffer up to the live edge: a request hls.js makes early waits in p2p-media-loader's
      // queue for a peer until the segment becomes high demand.
      maxBufferLength: behind,
      maxMaxBufferLength: behind,
      backBufferLength: behind,
      // SRS writes no LL-HLS parts.
      lowLatencyMode: false,
      // The page's Content-Security-Policy allows no blob: workers; transmuxing runs on the main
      // thread (the ESM build of hls.js has no inline worker anyway).
      enableWorker: false,
    },
    core: {
      highDemandTimeWindow: t,
      httpDownloadTimeWindow: behind,
      p2pDownloadTimeWindow: behind + t,
      simultaneousHttpDownloads: 2,
      simultaneousP2PDownloads: 3,
      // Startup first: the first segment comes from the CDN at once instead of waiting for peers.
      httpDownloadInitialTimeoutMs: 0,
    },
  };
}
