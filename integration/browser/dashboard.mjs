// dashboard.mjs drives srs-p2p's dashboard in Debian's headless Chromium and
// prints what it rendered as one JSON line.
//
//   node dashboard.mjs --url http://127.0.0.1:PORT/ --screenshot out.png
//       [--wait-streams N] [--wait-updates N] [--expect-error] [--timeout 30000]
//       [--viewport 1280x800]
//
// It fails (exit 1, message on stderr) on any page error, console error,
// failed request, HTTP status >= 400 of the page's own requests, or request
// to another origin (the page must load nothing from the internet). It waits
// until N streams are rendered (default 1), every charted stream has loaded
// its history (data-points set on both charts) and the page has finished N
// polls (default 1); then it saves a screenshot of the viewport (default
// 1280x800) and prints
//   {"api":"ok","updates":2,"empty":false,"version":...,"server":...,"totals":{...},
//    "layout":{"width":1280,"scroll_width":1280},
//    "streams":{"live/a":{"viewers":...,...,"charts":{"offload":360,"viewers":360}}}}
// read from the data-* attributes, so values are the API's raw values.
//
// --expect-error: the API is expected to fail. Waits for the error state
// (body[data-api="error"]) instead, and tolerates HTTP >= 400 replies of
// /api/ requests and Chromium's console line about them; page errors and
// everything else still fail. Streams rendered from earlier good polls
// must still be there (--wait-streams).
//
// Bounded: a global timeout kills the browser and exits 1; the browser is
// closed on every path.

import puppeteer from "puppeteer-core";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--hide-scrollbars",
  "--mute-audio",
];

function parseArgs(argv) {
  const opts = {
    url: "", screenshot: "", waitStreams: 1, waitUpdates: 1, timeout: 30000, expectError: false,
    viewport: { width: 1280, height: 800 },
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    const int = (v, min, max) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${a} must be an integer in [${min}, ${max}]`);
      return n;
    };
    switch (a) {
      case "--url": opts.url = next(); break;
      case "--screenshot": opts.screenshot = next(); break;
      case "--wait-streams": opts.waitStreams = int(next(), 0, 10000); break;
      case "--wait-updates": opts.waitUpdates = int(next(), 1, 1000); break;
      case "--timeout": opts.timeout = int(next(), 1000, 600000); break;
      case "--expect-error": opts.expectError = true; break;
      case "--viewport": {
        const m = /^(\d{3,4})x(\d{3,4})$/.exec(next());
        if (!m) throw new Error("--viewport must be WIDTHxHEIGHT, e.g. 390x844");
        opts.viewport = { width: Number(m[1]), height: Number(m[2]) };
        break;
      }
      default: throw new Error(`unknown argument ${a}`);
    }
  }
  if (!opts.url) throw new Error("--url is required");
  if (!opts.screenshot) throw new Error("--screenshot is required");
  const u = new URL(opts.url);
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("--url must be http(s)");
  return opts;
}

let browser = null;
let finished = false;

function fail(message) {
  if (finished) return;
  finished = true;
  process.stderr.write(`dashboard.mjs: ${message}\n`);
  const proc = browser && browser.process();
  if (proc) proc.kill("SIGKILL");
  process.exit(1);
}

// problems collects what makes the run fail; checked while waiting.
const problems = [];

function watch(page, opts) {
  const origin = new URL(opts.url).origin;
  const apiFailure = (url) => opts.expectError && new URL(url).pathname.startsWith("/api/");
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    const text = msg.text();
    const loc = msg.location() && msg.location().url;
    if (opts.expectError && text.startsWith("Failed to load resource") && loc && apiFailure(loc)) return;
    problems.push(`console error: ${text}${loc ? ` (${loc})` : ""}`);
  });
  page.on("request", (req) => {
    const url = req.url();
    if (url.startsWith("data:")) return;
    if (new URL(url).origin !== origin) problems.push(`request to another origin: ${url}`);
  });
  page.on("requestfailed", (req) => {
    if (finished) return;
    problems.push(`request failed: ${req.url()}: ${req.failure() ? req.failure().errorText : "?"}`);
  });
  page.on("response", (resp) => {
    if (resp.status() >= 400 && !apiFailure(resp.url())) problems.push(`HTTP ${resp.status()} for ${resp.url()}`);
  });
}

// readPage runs in the page: the wait condition and everything rendered.
function readPage() {
  const body = document.body;
  const typed = (e) => {
    const v = e.dataset.value ?? "";
    if (e.dataset.type === "number") return Number(v);
    if (e.dataset.type === "boolean") return v === "true";
    return v;
  };
  const out = { api: body.dataset.api || "", updates: Number(body.dataset.updates || 0), totals: {}, streams: {} };
  out.empty = !document.getElementById("empty").hidden;
  // The page itself must not scroll sideways (the table scrolls in its box).
  out.layout = { width: window.innerWidth, scroll_width: document.documentElement.scrollWidth };
  for (const e of document.querySelectorAll("[data-field]:not([data-stream])")) {
    if (e.closest("[hidden]")) continue; // e.g. the error banner when all is well
    const f = e.dataset.field;
    if (f.startsWith("total_")) out.totals[f.slice(6)] = typed(e);
    else out[f] = typed(e);
  }
  const stream = (k) => (out.streams[k] ??= { charts: {} });
  for (const e of document.querySelectorAll("tr[data-stream]")) stream(e.dataset.stream);
  for (const e of document.querySelectorAll("[data-stream][data-field]")) stream(e.dataset.stream)[e.dataset.field] = typed(e);
  const cards = document.querySelectorAll(".card[data-stream]");
  let loaded = 0;
  for (const card of cards) {
    const charts = card.querySelectorAll("[data-chart][data-points]");
    for (const c of charts) stream(c.dataset.stream).charts[c.dataset.chart] = Number(c.dataset.points);
    if (charts.length === 2) loaded++;
  }
  out.chartsLoaded = loaded === cards.length;
  out.rows = document.querySelectorAll("tr[data-stream]").length;
  out.cards = cards.length;
  out.chartLimit = Number(body.dataset.chartLimit || 0);
  return out;
}

function ready(state, opts) {
  if (state.updates < opts.waitUpdates || state.rows < opts.waitStreams) return false;
  if (opts.expectError) return state.api === "error";
  return state.api === "ok" && state.chartsLoaded && state.cards === Math.min(state.rows, state.chartLimit);
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`dashboard.mjs: ${err.message}\n`);
    process.exit(2);
  }
  const deadline = Date.now() + opts.timeout;
  const killer = setTimeout(() => fail(`timed out after ${opts.timeout} ms`), opts.timeout);
  for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => fail(`killed by ${sig}`));
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: false, // --headless is in ARGS, exactly as Debian's chromium takes it
    args: ARGS,
    defaultViewport: opts.viewport,
    protocolTimeout: opts.timeout,
  });
  let state = null;
  try {
    const page = await browser.newPage();
    watch(page, opts);
    const resp = await page.goto(opts.url, { waitUntil: "load", timeout: opts.timeout });
    if (!resp || resp.status() >= 400) throw new Error(`GET ${opts.url}: HTTP ${resp ? resp.status() : "no response"}`);
    for (;;) {
      if (problems.length) throw new Error(problems.join("; "));
      state = await page.evaluate(readPage);
      if (ready(state, opts)) break;
      if (Date.now() > deadline - 2000) {
        throw new Error(`page not ready before the timeout: ${JSON.stringify(state)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await page.screenshot({ path: opts.screenshot, type: "png" });
    // Errors raised while the screenshot was taken count too.
    if (problems.length) throw new Error(problems.join("; "));
    finished = true;
  } catch (err) {
    await browser.close().catch(() => {});
    fail(err.message);
  }
  await browser.close().catch(() => {});
  clearTimeout(killer);
  delete state.chartsLoaded;
  delete state.rows;
  delete state.cards;
  delete state.chartLimit;
  process.stdout.write(JSON.stringify(state) + "\n");
}

main().catch((err) => fail(err && err.stack ? err.stack : String(err)));
