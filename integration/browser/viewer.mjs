// One viewer page of viewers.mjs: its own browser context (own HTTP cache),
// the in-page instrumentation, listeners for everything that can go wrong,
// a poll of window.srsP2P.stats(), and a clean leave that captures the
// stats the player's final pingback beacon covers.

import path from "node:path";
import { isLoopbackHost } from "./config.mjs";
import { installInstrumentation } from "./inpage.mjs";

const BINDING = "__srsE2EFinal";
const MAX_LIST = 50;
const EVAL_TIMEOUT_MS = 5000;

/**
 * Opens viewer number index of cfg.url in a new browser context. Never
 * throws: failures land in the returned viewer's record.
 */
export function openViewer(browser, cfg, index, { log }) {
  const v = new Viewer(browser, cfg, index, log);
  v.opened = v.open(cfg).catch((e) => {
    v.record.open_error = message(e);
    log(`viewer ${index}: open failed: ${v.record.open_error}`);
  });
  return v;
}

class Viewer {
  constructor(browser, cfg, index, log) {
    this.browser = browser;
    this.log = log;
    this.context = null;
    this.page = null;
    this.loaded = false;
    this.ready = false;
    this.left = false;
    this.closed = false;
    this.pingbacks = new Set();
    this.leaveStarted = 0;
    this.record = {
      index,
      poison: cfg.poison.includes(index),
      url: cfg.url,
      opened_at_ms: 0,
      open_error: null,
      ready_at_ms: 0,
      not_ready: false,
      player_error: null,
      visibility: "",
      last: null,
      final: null,
      final_from: null,
      final_at_ms: 0,
      final_stale: false,
      left_at_ms: 0,
      series: [],
      page_errors: [],
      console_errors: [],
      console_error_count: 0,
      request_failures: [],
      aborted_requests: 0,
      http_errors: [],
      offsite_requests: [],
      pingback_posts: { sent: 0, ok: 0, failed: 0, statuses: {} },
      poll_failures: 0,
      instrumentation: null,
      screenshot: null,
    };
  }

  async open(cfg) {
    const r = this.record;
    this.context = await this.browser.createBrowserContext();
    const page = await this.context.newPage();
    const cdp = await page.createCDPSession();
    await cdp.send("Runtime.enable");
    await cdp.send("Runtime.addBinding", { name: BINDING });
    cdp.on("Runtime.bindingCalled", (ev) => {
      if (ev.name !== BINDING || ev.payload.length > 1 << 20) return;
      try {
        const snap = JSON.parse(ev.payload);
        if (snap.stats) {
          r.final = snap.stats;
          r.final_from = snap.why;
          r.final_at_ms = snap.t;
        }
      } catch {
        // a page that sends garbage has no final stats
      }
    });
    await page.evaluateOnNewDocument(installInstrumentation, { poison: r.poison, maxEvents: 2000, binding: BINDING });
    page.on("pageerror", (e) => push(r.page_errors, message(e)));
    page.on("console", (m) => {
      if (m.type() !== "error") return;
      r.console_error_count++;
      push(r.console_errors, m.text().slice(0, 500));
    });
    page.on("request", (req) => this.onRequest(req));
    page.on("requestfinished", (req) => this.onPingbackDone(req, req.response() ? req.response().status() : 0));
    page.on("requestfailed", (req) => {
      const err = req.failure() ? req.failure().errorText : "failed";
      this.onPingbackDone(req, -1);
      if (err === "net::ERR_ABORTED") r.aborted_requests++;
      else push(r.request_failures, { url: short(req.url()), error: err });
    });
    page.on("response", (res) => {
      if (res.status() >= 400) push(r.http_errors, { url: short(res.url()), status: res.status() });
    });
    this.page = page;
    r.opened_at_ms = Date.now();
    this.log(`viewer ${r.index}: open${r.poison ? " (poisoned uploads)" : ""}`);
    await page.goto(cfg.url, { waitUntil: "domcontentloaded", timeout: cfg.ready_timeout_s * 1000 });
    this.loaded = true;
  }

  onRequest(req) {
    const r = this.record;
    let u;
    try {
      u = new URL(req.url());
    } catch {
      return;
    }
    if (["http:", "https:", "ws:", "wss:"].includes(u.protocol) && !isLoopbackHost(u.hostname)) {
      push(r.offsite_requests, short(req.url()));
    }
    if (req.method() === "POST" && u.pathname.endsWith("/p2p/v1/pingback")) {
      r.pingback_posts.sent++;
      this.pingbacks.add(req);
    }
  }

  onPingbackDone(req, status) {
    if (!this.pingbacks.delete(req)) return;
    const p = this.record.pingback_posts;
    if (status >= 200 && status < 300) p.ok++;
    else p.failed++;
    p.statuses[status] = (p.statuses[status] || 0) + 1;
  }

  // poll reads the player's state once; never throws.
  async poll(cfg) {
    if (!this.loaded || this.left) return;
    const r = this.record;
    let s;
    try {
      s = await withTimeout(
        this.page.evaluate(() => {
          const p = window.srsP2P;
          const out = { vis: document.visibilityState, ready: !!(p && p.ready), error: null, stats: null, ws: null, stats_error: null };
          if (p && p.error !== null && p.error !== undefined) out.error = String(p.error).slice(0, 1000);
          if (p && p.ready && typeof p.stats === "function") {
            try {
              out.stats = JSON.parse(JSON.stringify(p.stats()));
            } catch (e) {
              out.stats_error = String(e && e.message ? e.message : e);
            }
          }
          if (window.__srsE2E) out.ws = { ...window.__srsE2E.ws.totals };
          return out;
        }),
        EVAL_TIMEOUT_MS,
      );
    } catch (e) {
      r.poll_failures++;
      return;
    }
    const now = Date.now();
    r.visibility = s.vis;
    if (s.error) r.player_error = s.error;
    if (s.stats_error) push(r.page_errors, `stats(): ${s.stats_error}`);
    if (s.ready && !this.ready) {
      this.ready = true;
      r.ready_at_ms = now;
      this.log(`viewer ${r.index}: ready after ${now - r.opened_at_ms} ms`);
    }
    if (!this.ready && r.opened_at_ms && now - r.opened_at_ms > cfg.ready_timeout_s * 1000) r.not_ready = true;
    if (s.stats) {
      r.last = s.stats;
      r.series.push({ t: now, stats: s.stats, ws: s.ws });
    }
  }

  // leave collects the instrumentation, takes the screenshot the policy
  // asks for, then closes the tab and waits (bounded) for the snapshot of
  // the stats the player's final beacon covers.
  async leave(cfg, driverError) {
    if (this.left || !this.page) return;
    this.left = true;
    const r = this.record;
    const page = this.page;
    try {
      r.instrumentation = await withTimeout(page.evaluate(() => (window.__srsE2E ? JSON.parse(JSON.stringify(window.__srsE2E)) : null)), EVAL_TIMEOUT_MS);
    } catch (e) {
      push(r.page_errors, `driver: reading instrumentation: ${message(e)}`);
    }
    if (!this.ready && r.opened_at_ms) r.not_ready = true;
    const failed = driverError || r.open_error || r.not_ready || r.player_error || r.page_errors.length > 0 || (r.last && r.last.stalls > 0);
    if (cfg.out_dir && (cfg.screenshots === "always" || (cfg.screenshots === "failure" && failed))) {
      const file = path.join(cfg.out_dir, `viewer-${r.index}.png`);
      try {
        await withTimeout(page.screenshot({ path: file, fullPage: true }), 10000);
        r.screenshot = file;
      } catch (e) {
        push(r.page_errors, `driver: screenshot: ${message(e)}`);
      }
    }
    // Closing the tab (not navigating it: CDP drops the bindings a page
    // calls while a navigation replaces it) runs pagehide, visibilitychange
    // and unload, so the player sends its final beacon and inpage.mjs its
    // snapshot. The beacon is a keepalive request the browser finishes after
    // the tab is gone, as long as the context lives: see beacon_grace_s.
    this.leaveStarted = Date.now();
    r.left_at_ms = this.leaveStarted;
    page.on("dialog", (d) => d.accept().catch(() => {}));
    try {
      await withTimeout(page.close({ runBeforeUnload: true }), 15000);
    } catch (e) {
      push(r.page_errors, `driver: closing the page: ${message(e)}`);
    }
    // A page whose player never became ready has nothing to snapshot.
    const deadline = Date.now() + (this.ready ? cfg.final_wait_s * 1000 : 0);
    while (Date.now() < deadline && r.final_at_ms < this.leaveStarted) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // A snapshot from an earlier hide (or none) does not describe the end.
    r.final_stale = r.final_at_ms < this.leaveStarted;
  }

  async close(cfg, driverError) {
    if (this.closed) return;
    this.closed = true;
    await this.opened;
    await this.leave(cfg, driverError);
    if (this.context) {
      await withTimeout(this.context.close(), 10000).catch(() => {});
    }
  }
}

function push(list, item) {
  if (list.length < MAX_LIST) list.push(item);
}

function short(url) {
  return url.length > 300 ? url.slice(0, 300) + "..." : url;
}

function message(e) {
  return String(e && e.message ? e.message : e).slice(0, 1000);
}

function withTimeout(promise, ms) {
  let timer;
  const t = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, t]).finally(() => clearTimeout(timer));
}
