// The dashboard page: polls the API every 2 s and renders the header, the
// totals, the stream table and the charts. When the API fails, the last data
// stays on screen, dimmed, with the error; the page is never blank.

import { fetchDetail, fetchStreams, fetchVersion } from "./api.js";
import { ChartCards } from "./charts.js";
import { StreamTable } from "./table.js";
import { bitrate, clock, integer, num, obj, percent, setField, str, streamKey } from "./format.js";

const POLL_MS = 2000;

// MAX_CHARTS bounds the history requests per poll: the selected stream and
// the first others in table order get charts.
const MAX_CHARTS = 8;

const $ = (sel) => document.querySelector(sel);

const state = {
  version: "",
  streams: [], // last good list, sorted
  selected: "",
  updates: 0,
  lastOK: null, // Date of the last good poll
  timer: 0,
  pending: false, // a poll is due but the tab is hidden
};

const table = new StreamTable($("#streams tbody"), select);
const cards = new ChartCards($("#charts"));

function byName(a, b) {
  const ka = [str(a.vhost), str(a.app), str(a.name)];
  const kb = [str(b.vhost), str(b.app), str(b.name)];
  for (let i = 0; i < 3; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
  return 0;
}

// charted returns the streams that get charts: the selected one first.
function charted() {
  const sel = state.streams.find((s) => streamKey(s) === state.selected);
  const rest = state.streams.filter((s) => s !== sel);
  return (sel ? [sel, ...rest] : rest).slice(0, MAX_CHARTS).map((s) => ({ key: streamKey(s), stream: s }));
}

function renderTotals(streams) {
  let viewers = 0;
  let p2p = 0;
  let cdn = 0;
  let upload = 0;
  let hashFailures = 0;
  for (const s of streams) {
    const pb = obj(s.pingback);
    const w10 = obj(pb["10s"]);
    const w60 = obj(pb["60s"]);
    viewers += num(w10.viewers);
    p2p += num(w60.p2p_down_bytes);
    cdn += num(w60.cdn_bytes);
    upload += num(w60.upload_bps);
    hashFailures += num(w60.hash_failures);
  }
  const offload = p2p + cdn > 0 ? p2p / (p2p + cdn) : 0;
  setField($('[data-field="total_streams"]'), streams.length, integer(streams.length));
  setField($('[data-field="total_viewers"]'), viewers, integer(viewers));
  setField($('[data-field="total_offload_ratio"]'), offload, p2p + cdn > 0 ? percent(offload) : "–");
  setField($('[data-field="total_upload_bps"]'), upload, bitrate(upload));
  setField($('[data-field="total_hash_failures"]'), hashFailures, integer(hashFailures));
  $('[data-field="total_hash_failures"]').classList.toggle("bad", hashFailures > 0);
}

function render() {
  const streams = state.streams;
  if (!streams.some((s) => streamKey(s) === state.selected)) state.selected = streams.length ? streamKey(streams[0]) : "";
  table.render(streams, state.selected);
  cards.show(charted(), state.selected);
  renderTotals(streams);
  $("#empty").hidden = streams.length > 0 || state.lastOK === null;
  $("#streams").classList.toggle("is-empty", streams.length === 0);
  $("#charts-panel").hidden = streams.length === 0;
}

function select(key) {
  if (key === state.selected) return;
  state.selected = key;
  render();
  const sel = state.streams.find((s) => streamKey(s) === key);
  if (sel) loadHistory([{ key, stream: sel }]);
  const card = document.querySelector(`.card[data-stream="${CSS.escape(key)}"]`);
  if (card) card.scrollIntoView({ block: "nearest" });
}

async function loadHistory(entries) {
  await Promise.all(
    entries.map(async ({ key, stream }) => {
      try {
        cards.update(key, await fetchDetail(stream));
      } catch (err) {
        cards.fail(key, err.message);
      }
    }),
  );
}

function showStatus(ok, message) {
  document.body.dataset.api = ok ? "ok" : "error";
  const status = $("#status");
  status.className = "status " + (ok ? "status-ok" : "status-error");
  status.textContent = ok ? "live" : "API unreachable";
  const banner = $("#error");
  const since = state.lastOK ? "showing data from " + clock(state.lastOK) : "no data yet";
  setField(banner, ok ? "" : message, ok ? "" : message + " — " + since + "; retrying every " + POLL_MS / 1000 + " s");
  banner.hidden = ok;
  $("main").classList.toggle("stale", !ok);
}

async function poll() {
  state.timer = 0;
  if (!state.version) {
    try {
      state.version = await fetchVersion();
      setField($('[data-field="version"]'), state.version, state.version || "unknown");
    } catch {
      // Retried next poll; the streams request reports the outage.
    }
  }
  try {
    const { server, streams } = await fetchStreams();
    state.streams = streams.slice().sort(byName);
    state.lastOK = new Date();
    setField($('[data-field="server"]'), server, server || "unknown");
    const t = $('[data-field="updated_at"]');
    setField(t, state.lastOK.toISOString(), clock(state.lastOK));
    t.setAttribute("datetime", state.lastOK.toISOString());
    render();
    await loadHistory(charted());
    showStatus(true, "");
  } catch (err) {
    showStatus(false, err && err.message ? err.message : String(err));
  }
  state.updates++;
  document.body.dataset.updates = String(state.updates);
  schedule();
}

// schedule polls again in POLL_MS; a hidden tab waits until it is shown.
function schedule() {
  state.timer = setTimeout(() => {
    if (document.hidden) {
      state.pending = true;
      return;
    }
    poll();
  }, POLL_MS);
}

document.addEventListener("visibilitychange", () => {
  if (!document.hidden && state.pending) {
    state.pending = false;
    poll();
  }
});

let resizeFrame = 0;
window.addEventListener("resize", () => {
  cancelAnimationFrame(resizeFrame);
  resizeFrame = requestAnimationFrame(() => cards.redrawAll());
});

document.body.dataset.chartLimit = String(MAX_CHARTS);
poll();
