// The table of live streams. Rows are keyed by stream and updated in place,
// so a poll does not lose the keyboard focus or the selection.

import { bitrate, bool, el, integer, isDefaultVhost, millis, num, obj, percent, setField, str, streamKey } from "./format.js";

const DASH = "–";

// windowOf returns a stream's pingback window ("10s", "60s") or null when
// the server has no reports for it.
function windowOf(s, name) {
  const pb = s.pingback;
  if (!pb || typeof pb !== "object" || !pb[name] || typeof pb[name] !== "object") return null;
  return pb[name];
}

// cells lists, per column, the fields it shows: [field, raw(s), text(s)].
// A missing window renders as a dash with raw value 0.
function fields(s) {
  const w10 = windowOf(s, "10s");
  const w60 = windowOf(s, "60s");
  const f10 = obj(w10);
  const f60 = obj(w60);
  const swarm = s.swarm && typeof s.swarm === "object" ? s.swarm : null;
  const moved = num(f60.cdn_bytes) + num(f60.p2p_down_bytes);
  const tried = num(f60.conn_ok) + num(f60.conn_fail);
  const startup = w60 !== null && num(f60.startup_ms_p50) + num(f60.startup_ms_p95) > 0;
  const or = (ok, text) => (ok ? text : DASH);
  return {
    vhost: [str(s.vhost), str(s.vhost)],
    app: [str(s.app), str(s.app)],
    name: [str(s.name), str(s.name)],
    epoch: [str(s.epoch), str(s.epoch) || DASH],
    publishing: [bool(s.publishing), bool(s.publishing) ? "yes" : "no"],
    viewers: [num(f10.viewers), or(w10, integer(f10.viewers))],
    offload_ratio: [num(f60.offload_ratio), or(w60 && moved > 0, percent(f60.offload_ratio))],
    upload_bps: [num(f60.upload_bps), or(w60, bitrate(f60.upload_bps))],
    stalls: [num(f60.stalls), or(w60, integer(f60.stalls))],
    stall_ratio: [num(f60.stall_ratio), w60 ? "(" + percent(f60.stall_ratio) + ")" : ""],
    hash_failures: [num(f60.hash_failures), or(w60, integer(f60.hash_failures))],
    conn_success_ratio: [num(f60.conn_success_ratio), or(w60 && tried > 0, percent(f60.conn_success_ratio))],
    peers: [swarm ? num(swarm.peers) : 0, or(swarm, integer(swarm && swarm.peers))],
    // One dash for both percentiles when nobody reported a startup time.
    startup_ms_p50: [num(f60.startup_ms_p50), or(startup, millis(f60.startup_ms_p50))],
    startup_ms_p95: [num(f60.startup_ms_p95), startup ? millis(f60.startup_ms_p95) : ""],
  };
}

// playerURL is the player page of a stream (served by the player package).
function playerURL(s) {
  let u = "/play/" + encodeURIComponent(str(s.app)) + "/" + encodeURIComponent(str(s.name));
  if (!isDefaultVhost(str(s.vhost))) u += "?vhost=" + encodeURIComponent(str(s.vhost));
  return u;
}

export class StreamTable {
  constructor(tbody, onSelect) {
    this.tbody = tbody;
    this.onSelect = onSelect;
    this.rows = new Map(); // key -> {tr, link, sep, cells: {field: element}}
  }

  // build creates the row of a stream with one element per field.
  build(key) {
    const tr = el("tr", "row", { stream: key });
    tr.tabIndex = 0;
    const cells = {};
    const field = (name, tag, cls) => (cells[name] = el(tag || "span", cls || "", { stream: key, field: name }));

    const sep = el("span", "sep");
    sep.textContent = " / ";
    const first = el("th", "stream");
    first.scope = "row";
    const link = el("a", "stream-link");
    link.append(field("app"), "/", field("name"));
    first.append(link, field("vhost", "span", "vhost"));
    const td = (cls, ...kids) => {
      const c = el("td", cls);
      c.append(...kids);
      return c;
    };
    tr.append(
      first,
      td("epoch", field("epoch", "code")),
      td("", field("publishing", "span", "badge")),
      td("num", field("viewers")),
      td("num", field("offload_ratio")),
      td("num", field("upload_bps")),
      td("num", field("stalls"), " ", field("stall_ratio", "span", "sub")),
      td("num", field("hash_failures")),
      td("num", field("conn_success_ratio")),
      td("num", field("peers")),
      td("num", field("startup_ms_p50"), sep, field("startup_ms_p95")),
    );
    tr.addEventListener("click", (ev) => {
      if (!ev.target.closest("a")) this.onSelect(key);
    });
    tr.addEventListener("keydown", (ev) => {
      if (ev.target === tr && (ev.key === "Enter" || ev.key === " ")) {
        ev.preventDefault();
        this.onSelect(key);
      }
    });
    return { tr, link, sep, cells };
  }

  // render shows streams (already sorted) and marks the selected one.
  render(streams, selected) {
    const seen = new Set();
    let prev = null;
    for (const s of streams) {
      const key = streamKey(s);
      seen.add(key);
      let row = this.rows.get(key);
      if (!row) {
        row = this.build(key);
        this.rows.set(key, row);
      }
      const href = playerURL(s);
      if (row.link.getAttribute("href") !== href) row.link.setAttribute("href", href);
      row.link.title = "Open the player of " + key;
      for (const [name, [raw, text]] of Object.entries(fields(s))) setField(row.cells[name], raw, text);
      row.cells.vhost.classList.toggle("hidden", isDefaultVhost(str(s.vhost)));
      row.sep.classList.toggle("hidden", row.cells.startup_ms_p95.textContent === "");
      row.cells.publishing.classList.toggle("on", bool(s.publishing));
      row.cells.hash_failures.classList.toggle("bad", num(obj(windowOf(s, "60s")).hash_failures) > 0);
      row.tr.classList.toggle("selected", key === selected);
      if (key === selected) row.tr.setAttribute("aria-current", "true");
      else row.tr.removeAttribute("aria-current");
      // Move only rows out of place: moving a focused row would blur it.
      const want = prev ? prev.nextSibling : this.tbody.firstChild;
      if (want !== row.tr) this.tbody.insertBefore(row.tr, want);
      prev = row.tr;
    }
    for (const [key, row] of this.rows) {
      if (!seen.has(key)) {
        row.tr.remove();
        this.rows.delete(key);
      }
    }
  }
}
