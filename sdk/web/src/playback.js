// Playback quality from the video element: startup time, stalls and watch time.
//
// A stall is a "waiting" event after playback had started, while the element is not seeking; it
// lasts until the next "playing". Watch time is time spent playing or stalled (not paused). Time
// that is still running (an ongoing stall, the current stretch of watching) is moved into the
// tally by checkpoint(), which stats() and every pingback report call first, so totals and report
// deltas stay equal.

const EVENTS = ["playing", "waiting", "pause", "ended", "emptied", "seeking"];

export class PlaybackMonitor {
  /**
   * @param {{video: EventTarget & {seeking: boolean, paused: boolean}, tally: import("./tally.js").Tally,
   *   clock: import("./clock.js").Clock, startedAt: number}} opts startedAt: when createPlayer was called
   */
  constructor({ video, tally, clock, startedAt }) {
    this.video = video;
    this.tally = tally;
    this.clock = clock;
    this.startedAt = startedAt;
    /** ms from createPlayer to the first "playing"; null until then */
    this.startupMs = null;
    this.started = false;
    this.stalled = false;
    this.watching = false;
    this.mark = 0; // when the running stretch (watch and stall) was last moved into the tally
    this.reloading = false; // the player reloads the stream: waiting until "playing" is no stall
    this.onEvent = (e) => this.handle(e.type);
    for (const t of EVENTS) video.addEventListener(t, this.onEvent);
  }

  handle(type) {
    const now = this.clock.now();
    switch (type) {
      case "playing":
        this.checkpoint(now);
        if (!this.started) {
          this.started = true;
          this.startupMs = Math.max(0, Math.round(now - this.startedAt));
        }
        this.stalled = false;
        this.watching = true;
        this.reloading = false;
        break;
      case "waiting":
        if (!this.started || this.stalled || this.video.seeking || this.reloading) break;
        this.checkpoint(now);
        this.stalled = true;
        this.watching = true;
        this.tally.add("stalls");
        break;
      case "pause":
      case "ended":
      case "emptied":
        this.checkpoint(now);
        this.stalled = false;
        this.watching = false;
        break;
      case "seeking":
        // A seek (hls.js jumping back to the live sync point after a long stall included) ends the
        // stall: the wait that follows belongs to the seek.
        if (this.stalled) {
          this.checkpoint(now);
          this.stalled = false;
        }
        break;
    }
  }

  /**
   * Marks a reload of the stream by the SDK (a new epoch's swarm, or P2P arriving for a player
   * that started without a manifest): like a seek, the wait that follows is not a stall.
   */
  reload() {
    if (this.stalled) {
      this.checkpoint();
      this.stalled = false;
    }
    this.reloading = this.started;
  }

  /** Moves the running watch and stall time into the tally. */
  checkpoint(now = this.clock.now()) {
    const ms = Math.max(0, Math.round(now - this.mark));
    if (this.watching) this.tally.add("watch_ms", ms);
    if (this.stalled) this.tally.add("stall_ms", ms);
    // Rounding each stretch keeps the counters integers; the rounding error stays in mark.
    this.mark = this.watching || this.stalled ? this.mark + ms : now;
  }

  /** True while the video plays: started, not paused, not ended, not stalled. */
  get playing() {
    return this.started && !this.stalled && !this.video.paused && !this.video.ended;
  }

  close() {
    this.checkpoint();
    for (const t of EVENTS) this.video.removeEventListener(t, this.onEvent);
  }
}
