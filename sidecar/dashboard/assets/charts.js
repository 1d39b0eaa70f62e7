// One card per charted stream with two charts over the last hour (offload
// ratio and viewers) from the history of /api/v1/streams/{app}/{name}.

import { drawChart } from "./chart.js";
import { el, integer, list, num, obj, percent, setField, str } from "./format.js";

// MAX_POINTS bounds the history drawn: the server sends at most 360 (one
// hour at 10 s), anything beyond is ignored from the oldest side.
const MAX_POINTS = 400;

// toMillis reads a point's time: RFC 3339 text, or seconds (or
// milliseconds) since the epoch; otherwise the position in the history.
function toMillis(t, fallback) {
  if (typeof t === "string") {
    const ms = Date.parse(t);
    if (Number.isFinite(ms)) return ms;
  } else if (typeof t === "number" && Number.isFinite(t) && t > 0) {
    return t < 1e11 ? t * 1000 : t;
  }
  return fallback;
}

// parseHistory turns the API's history into sorted series.
export function parseHistory(history) {
  const h = obj(history);
  const stepMs = Math.max(1, num(h.step_s) || 10) * 1000;
  const startMs = toMillis(h.start, Date.now() - 3600 * 1000);
  const raw = list(h.points).slice(-MAX_POINTS);
  const points = raw.map((p, i) => {
    const o = obj(p);
    return { t: toMillis(o.t, startMs + i * stepMs), offload: num(o.offload_ratio), viewers: num(o.viewers) };
  });
  points.sort((a, b) => a.t - b.t);
  return { stepMs, count: raw.length, points };
}

const KINDS = [
  { chart: "offload", label: "P2P offload ratio", field: "history_offload_ratio", ratio: true, value: (p) => p.offload },
  { chart: "viewers", label: "Viewers", field: "history_viewers", ratio: false, value: (p) => p.viewers },
];

export class ChartCards {
  constructor(container) {
    this.container = container;
    this.cards = new Map(); // key -> {card, title, epoch, note, blocks: [{kind, host, current}], history}
  }

  build(key) {
    const card = el("article", "card", { stream: key });
    const head = el("h3", "card-title");
    const title = el("span", "card-stream");
    title.textContent = key;
    const epoch = el("code", "card-epoch");
    head.append(title, epoch);
    card.append(head);
    const blocks = KINDS.map((kind) => {
      const block = el("div", "chart-block");
      const label = el("div", "chart-head");
      const name = el("span", "chart-label");
      name.textContent = kind.label;
      const current = el("strong", "chart-now", { stream: key, field: kind.field });
      setField(current, 0, "–");
      label.append(name, current);
      const host = el("div", "chart", { chart: kind.chart, stream: key });
      host.setAttribute("aria-label", kind.label + " of " + key + " over the last hour");
      block.append(label, host);
      card.append(block);
      return { kind, host, current };
    });
    const note = el("p", "card-note");
    note.textContent = "loading history…";
    card.append(note);
    return { card, epoch, note, blocks, history: null };
  }

  // show lays out cards for keys (in order) and drops the others; selected
  // gets the highlight.
  show(entries, selected) {
    const keep = new Set();
    let prev = null;
    for (const { key, stream } of entries) {
      keep.add(key);
      let c = this.cards.get(key);
      if (!c) {
        c = this.build(key);
        this.cards.set(key, c);
      }
      c.epoch.textContent = str(stream.epoch);
      c.card.classList.toggle("selected", key === selected);
      const want = prev ? prev.nextSibling : this.container.firstChild;
      if (want !== c.card) this.container.insertBefore(c.card, want);
      prev = c.card;
    }
    for (const [key, c] of this.cards) {
      if (!keep.has(key)) {
        c.card.remove();
        this.cards.delete(key);
      }
    }
  }

  // update draws a stream's history (the data of its detail reply).
  update(key, detail) {
    const c = this.cards.get(key);
    if (!c) return;
    c.history = parseHistory(obj(obj(detail).pingback).history);
    c.note.textContent = "";
    c.note.hidden = true;
    this.draw(c);
  }

  // fail keeps the last charts and says why they are not current.
  fail(key, message) {
    const c = this.cards.get(key);
    if (!c) return;
    c.note.textContent = (c.history ? "history not updated: " : "history unavailable: ") + message;
    c.note.hidden = false;
  }

  draw(c) {
    const h = c.history;
    if (!h) return;
    const last = h.points.length ? h.points[h.points.length - 1] : null;
    for (const { kind, host, current } of c.blocks) {
      const series = h.points.map((p) => ({ t: p.t, v: kind.value(p) }));
      drawChart(host, series, { ratio: kind.ratio, label: kind.label + " over the last hour", stepMs: h.stepMs });
      host.dataset.points = String(h.count);
      const v = last ? kind.value(last) : 0;
      setField(current, v, last ? (kind.ratio ? percent(v) : integer(v)) : "–");
    }
  }

  redrawAll() {
    for (const c of this.cards.values()) this.draw(c);
  }
}
