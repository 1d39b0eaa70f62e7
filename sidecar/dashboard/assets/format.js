// Reading API values defensively and formatting them for people.
// The server may add or omit fields: anything missing or of the wrong type
// reads as 0 (numbers), "" (strings), false (booleans) or {} (objects).

export function num(v) {
  return typeof v === "number" && Number.isFinite(v) ? v : 0;
}

export function str(v) {
  return typeof v === "string" ? v : "";
}

export function bool(v) {
  return v === true;
}

export function obj(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? v : {};
}

export function list(v) {
  return Array.isArray(v) ? v : [];
}

const DEFAULT_VHOST = "__defaultVhost__";

// streamKey names a stream in data-stream attributes: "app/name" on the
// default vhost (what operators type), "vhost/app/name" on any other.
export function streamKey(s) {
  const path = str(s.app) + "/" + str(s.name);
  const vhost = str(s.vhost);
  return vhost === "" || vhost === DEFAULT_VHOST ? path : vhost + "/" + path;
}

export function isDefaultVhost(vhost) {
  return vhost === "" || vhost === DEFAULT_VHOST;
}

const intFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

export function integer(v) {
  return intFormat.format(Math.round(num(v)));
}

// percent formats a 0..1 ratio; small non-zero ratios (a stall ratio of
// 0.0004) keep two decimals so they do not read as 0.
export function percent(ratio) {
  const p = num(ratio) * 100;
  if (p === 0) return "0 %";
  const digits = Math.abs(p) < 1 ? 2 : 1;
  return p.toFixed(digits) + " %";
}

const BIT_UNITS = ["bit/s", "kbit/s", "Mbit/s", "Gbit/s", "Tbit/s"];

// bitrate formats bits per second with SI prefixes and three significant
// digits, like network tools do.
export function bitrate(bps) {
  let v = Math.max(0, num(bps));
  let i = 0;
  while (v >= 1000 && i < BIT_UNITS.length - 1) {
    v /= 1000;
    i++;
  }
  const text = i === 0 ? String(Math.round(v)) : v.toPrecision(3);
  return text + " " + BIT_UNITS[i];
}

export function millis(ms) {
  const v = num(ms);
  if (v >= 10000) return (v / 1000).toFixed(1) + " s";
  return integer(v) + " ms";
}

// clock formats a time as HH:MM:SS in the browser's time zone.
export function clock(date) {
  return date.toLocaleTimeString("en-GB", { hour12: false });
}

// hhmm formats a time as HH:MM for chart axes.
export function hhmm(date) {
  return date.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", hour12: false });
}

// setField writes a rendered value and its raw form (data-value, data-type)
// so tests and scripts read the API value, not the formatted text.
export function setField(el, raw, text) {
  const type = typeof raw === "boolean" ? "boolean" : typeof raw === "number" ? "number" : "string";
  const value = String(raw);
  if (el.dataset.value !== value || el.dataset.type !== type) {
    el.dataset.value = value;
    el.dataset.type = type;
  }
  if (el.textContent !== text) el.textContent = text;
}

// el creates an element with a class and optional data-* attributes.
export function el(tag, className, data) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  for (const [k, v] of Object.entries(data || {})) e.dataset[k] = v;
  return e;
}
