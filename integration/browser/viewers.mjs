#!/usr/bin/env node
// viewers.mjs opens N viewers of an srs-p2p player page in one headless
// Chromium (each in its own browser context, so no HTTP cache or storage is
// shared), staggered so the first one has segments to share before the
// others arrive; polls window.srsP2P.stats() in every page each poll_ms;
// records page errors, console errors and failed requests; and prints ONE
// JSON object on stdout: per-viewer final stats, time series and errors.
//
//   node integration/browser/viewers.mjs --json-config '{"url":"http://127.0.0.1:8085/play/live/livestream","viewers":4}'
//   node integration/browser/viewers.mjs --url URL --viewers 4 --duration 60 --poison 0 --out DIR
//
// Keys (config.mjs): url, viewers, duration_s (first page open to the end),
// first_alone_s, stagger_s, poison (viewer indexes whose uploads are
// corrupted, see inpage.mjs), poll_ms, out_dir (screenshots, result.json),
// screenshots (never | failure | always), timeout_s (global, 0 = derived),
// ready_timeout_s, final_wait_s (for the snapshot of a closing tab),
// beacon_grace_s (time the closed tabs' final beacons get before their
// contexts close), chromium.
//
// At the end every tab is closed: the player sends its final pingback
// beacon, and inpage.mjs hands the driver the stats the beacon covers
// ("final" in the result; pingback_posts counts only the reports sent while
// the tab was open). Exit status: 0 when the run completed
// (the caller judges the figures), 1 when the driver failed (browser did not
// start, global timeout, signal), 2 for a bad configuration. The JSON is
// printed in every case. Only loopback URLs are accepted, and the browser
// resolves no host name and reaches no proxy-able host but this machine.

import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import puppeteer from "puppeteer-core";
import { ConfigError, parseConfig } from "./config.mjs";
import { openViewer } from "./viewer.mjs";

const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-features=WebRtcHideLocalIpsWithMdns",
  "--allow-loopback-in-peer-connection",
  "--autoplay-policy=no-user-gesture-required",
  "--mute-audio",
  // Defence in depth for "loopback only": no name resolves but localhost,
  // and plain HTTP(S) to anything but loopback goes to a dead proxy port
  // (Chromium never proxies loopback).
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.*, EXCLUDE [::1]",
  "--proxy-server=http://127.0.0.1:9",
];

const log = (msg) => process.stderr.write(`viewers: ${msg}\n`);

async function main() {
  const result = { ok: false, error: null, started_at_ms: Date.now(), ended_at_ms: 0, browser: "", config: null, viewers: [] };
  let cfg;
  try {
    cfg = parseConfig(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    result.error = `config: ${e.message}`;
    finish(result, 2, "");
    return;
  }
  result.config = cfg;
  if (cfg.out_dir) mkdirSync(cfg.out_dir, { recursive: true });

  let abort;
  const aborted = new Promise((_, reject) => {
    abort = (why) => reject(new Error(why));
  });
  aborted.catch(() => {});
  const timer = setTimeout(() => abort(`global timeout of ${cfg.timeout_s}s`), cfg.timeout_s * 1000);
  for (const sig of ["SIGINT", "SIGTERM"]) process.once(sig, () => abort(`${sig} received`));

  let browser;
  let code = 0;
  const viewers = [];
  try {
    browser = await Promise.race([
      puppeteer.launch({
        executablePath: cfg.chromium,
        headless: true,
        pipe: true, // the browser exits when this process does, even if killed
        args: chromiumArgs,
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
        protocolTimeout: 60000,
        defaultViewport: { width: 640, height: 400 },
      }),
      aborted,
    ]);
    result.browser = await browser.version();
    log(`${result.browser}: ${cfg.viewers} viewers of ${cfg.url} for ${cfg.duration_s}s, poison ${JSON.stringify(cfg.poison)}`);
    await Promise.race([run(browser, cfg, viewers), aborted]);
    result.ok = true;
  } catch (e) {
    result.error = String(e && e.message ? e.message : e);
    code = 1;
    log(`failed: ${result.error}`);
  } finally {
    clearTimeout(timer);
    // Whatever happened: collect what the pages have, then close.
    await Promise.race([Promise.allSettled(viewers.map((v) => v.close(cfg, result.ok ? null : result.error))), delay(30000)]);
    result.viewers = viewers.map((v) => v.record);
    if (browser) await closeBrowser(browser);
  }
  result.ended_at_ms = Date.now();
  finish(result, code, cfg.out_dir);
}

// run opens the viewers on schedule, polls every page until duration_s has
// passed since the first one opened, then leaves every page at once.
async function run(browser, cfg, viewers) {
  const t0 = Date.now();
  const openAt = (i) => t0 + (i === 0 ? 0 : (cfg.first_alone_s + (i - 1) * cfg.stagger_s) * 1000);
  const end = t0 + cfg.duration_s * 1000;
  let next = 0;
  const opening = [];
  while (Date.now() < end) {
    while (next < cfg.viewers && Date.now() >= openAt(next) && Date.now() < end) {
      const v = openViewer(browser, cfg, next, { log });
      viewers.push(v);
      opening.push(v.opened);
      next++;
    }
    await Promise.all(viewers.map((v) => v.poll(cfg)));
    const wake = Math.min(end, next < cfg.viewers ? openAt(next) : end, Date.now() + cfg.poll_ms);
    await delay(Math.max(0, wake - Date.now()));
  }
  await Promise.allSettled(opening);
  await Promise.all(viewers.map((v) => v.poll(cfg)));
  await Promise.allSettled(viewers.map((v) => v.leave(cfg)));
  // The final beacons are keepalive requests the browser completes after
  // the tabs closed; closing their contexts at once could cancel them.
  await delay(cfg.beacon_grace_s * 1000);
}

async function closeBrowser(browser) {
  const proc = browser.process();
  const closed = await Promise.race([browser.close().then(() => true, () => false), delay(15000).then(() => false)]);
  if (!closed && proc && proc.exitCode === null) {
    log("browser did not close within 15s: SIGKILL");
    proc.kill("SIGKILL");
  }
}

function finish(result, code, outDir) {
  const text = JSON.stringify(result);
  if (outDir) {
    try {
      writeFileSync(path.join(outDir, "result.json"), text + "\n");
    } catch (e) {
      log(`cannot write result.json: ${e.message}`);
    }
  }
  process.stdout.write(text + "\n", () => process.exit(code));
}

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

main().catch((e) => {
  process.stderr.write(`viewers: ${e && e.stack ? e.stack : e}\n`);
  process.stdout.write(JSON.stringify({ ok: false, error: String(e) }) + "\n", () => process.exit(1));
});
