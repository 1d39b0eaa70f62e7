// A small SVG time-series chart: one line over the last hour, with a time
// axis, a value axis and the latest value marked. Drawn from scratch on
// every update (at most a few hundred points), sized to its container.

import { hhmm, integer } from "./format.js";

const SVG = "http://www.w3.org/2000/svg";
const HOUR_MS = 3600 * 1000;
const HEIGHT = 132;
const M = { left: 42, right: 12, top: 10, bottom: 20 };

function node(tag, attrs, cls) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (cls) e.setAttribute("class", cls);
  return e;
}

function text(x, y, s, cls, anchor) {
  const t = node("text", { x, y, "text-anchor": anchor || "start" }, cls);
  t.textContent = s;
  return t;
}

// niceStep rounds a raw tick step up to 1, 2 or 5 times a power of ten.
function niceStep(raw) {
  const pow = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}

// valueTicks returns the value axis: 0..100 % for ratios, 0..a round number
// at or above the maximum for counts (at least 0..4 so a flat line at 0 or 1
// still sits on a readable scale).
function valueTicks(ratio, max) {
  if (ratio) return { top: 1, ticks: [0, 0.5, 1] };
  const step = niceStep(Math.max(max, 4) / 4);
  const top = Math.max(4, Math.ceil(max / step) * step);
  const ticks = [];
  for (let v = 0; v <= top + step / 2; v += step) ticks.push(v);
  return { top, ticks };
}

// timeTicks returns wall-clock aligned ticks (every 10 or 20 minutes,
// depending on the room) inside [from, to].
function timeTicks(from, to, width) {
  const every = (width < 360 ? 20 : 10) * 60 * 1000;
  const ticks = [];
  const first = Math.ceil(from / every) * every;
  for (let t = first; t <= to; t += every) ticks.push(t);
  return ticks;
}

// drawChart replaces host's content with a chart of series ({t: ms,
// v: number} sorted by t). opts: {ratio: bool, label: string, stepMs:
// number, endMs: number (the right edge; defaults to the last point or now)}.
export function drawChart(host, series, opts) {
  const width = Math.max(200, Math.floor(host.clientWidth || 320));
  const plotW = width - M.left - M.right;
  const plotH = HEIGHT - M.top - M.bottom;
  const end = opts.endMs || (series.length ? series[series.length - 1].t : Date.now());
  const from = end - HOUR_MS;
  const shown = series.filter((p) => p.t >= from && p.t <= end);
  const max = shown.reduce((m, p) => Math.max(m, p.v), 0);
  const { top, ticks } = valueTicks(opts.ratio, max);
  const x = (t) => M.left + ((t - from) / HOUR_MS) * plotW;
  const y = (v) => M.top + plotH - (Math.min(Math.max(v, 0), top) / top) * plotH;
  const fmt = opts.ratio ? (v) => Math.round(v * 100) + "%" : (v) => integer(v);

  const svg = node("svg", { width, height: HEIGHT, viewBox: `0 0 ${width} ${HEIGHT}`, role: "img" }, "chart-svg");
  const title = node("title", {});
  title.textContent = opts.label;
  svg.append(title);

  for (const v of ticks) {
    svg.append(node("line", { x1: M.left, x2: width - M.right, y1: y(v), y2: y(v) }, v === 0 ? "axis" : "grid"));
    svg.append(text(M.left - 6, y(v) + 3.5, fmt(v), "tick", "end"));
  }
  for (const t of timeTicks(from, end, width)) {
    svg.append(node("line", { x1: x(t), x2: x(t), y1: M.top, y2: M.top + plotH }, "grid"));
    svg.append(text(x(t), HEIGHT - 5, hhmm(new Date(t)), "tick", "middle"));
  }

  if (shown.length === 0) {
    svg.append(text(M.left + plotW / 2, M.top + plotH / 2, "no reports in the last hour", "nodata", "middle"));
  } else {
    drawRuns(svg, shown, x, y, opts.stepMs, M.top + plotH);
    const last = shown[shown.length - 1];
    svg.append(node("circle", { cx: x(last.t), cy: y(last.v), r: 3 }, "dot"));
  }
  host.replaceChildren(svg);
}

// drawRuns draws the line and the area under it, broken where reports are
// missing (a gap longer than 2.5 steps), so an outage is not drawn as a
// straight line between its two ends.
function drawRuns(svg, points, x, y, stepMs, base) {
  const gap = 2.5 * (stepMs || 10000);
  let run = [];
  const flush = () => {
    if (run.length > 1) {
      const line = run.map((p, i) => (i ? "L" : "M") + x(p.t).toFixed(1) + " " + y(p.v).toFixed(1)).join("");
      const first = x(run[0].t).toFixed(1);
      const last = x(run[run.length - 1].t).toFixed(1);
      svg.append(node("path", { d: `${line}L${last} ${base}L${first} ${base}Z` }, "area"));
      svg.append(node("path", { d: line }, "line"));
    } else if (run.length === 1) {
      svg.append(node("circle", { cx: x(run[0].t), cy: y(run[0].v), r: 2 }, "lone"));
    }
    run = [];
  };
  for (const p of points) {
    if (run.length && p.t - run[run.length - 1].t > gap) flush();
    run.push(p);
  }
  flush();
}
