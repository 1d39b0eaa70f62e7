// The viewers.mjs configuration: one JSON object (--json-config) with a few
// flags that override it, decoded strictly and bounded, so a typo in a test
// is an error and not a silently different run.

import { parseArgs } from "node:util";

/** Defaults of every key (viewers.mjs documents them). */
export const defaults = Object.freeze({
  url: "",
  viewers: 4,
  duration_s: 60,
  first_alone_s: 8,
  stagger_s: 2,
  poison: [],
  poll_ms: 1000,
  out_dir: "",
  screenshots: "failure",
  timeout_s: 0, // 0: duration_s + first_alone_s + stagger + 120 s
  ready_timeout_s: 30,
  final_wait_s: 8,
  beacon_grace_s: 2,
  chromium: "/usr/bin/chromium",
});

const bounds = {
  viewers: [1, 16],
  duration_s: [1, 3600],
  first_alone_s: [0, 600],
  stagger_s: [0, 600],
  poll_ms: [200, 10000],
  timeout_s: [0, 7200],
  ready_timeout_s: [1, 600],
  final_wait_s: [0, 120],
  beacon_grace_s: [0, 60],
};

export class ConfigError extends Error {}

/**
 * Builds the run's configuration from argv (without node and the script).
 * Throws ConfigError with a message naming the key.
 */
export function parseConfig(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        "json-config": { type: "string" },
        url: { type: "string" },
        viewers: { type: "string" },
        duration: { type: "string" },
        poison: { type: "string", multiple: true },
        out: { type: "string" },
      },
    });
  } catch (e) {
    throw new ConfigError(e.message);
  }
  const v = parsed.values;
  let json = {};
  if (v["json-config"] !== undefined) {
    if (v["json-config"].length > 64 << 10) throw new ConfigError("--json-config: longer than 64 KiB");
    try {
      json = JSON.parse(v["json-config"]);
    } catch (e) {
      throw new ConfigError(`--json-config: ${e.message}`);
    }
    if (!json || typeof json !== "object" || Array.isArray(json)) {
      throw new ConfigError("--json-config: not a JSON object");
    }
  }
  for (const k of Object.keys(json)) {
    if (!(k in defaults)) throw new ConfigError(`--json-config: unknown key ${JSON.stringify(k)}`);
  }
  const cfg = { ...defaults, ...json };
  if (v.url !== undefined) cfg.url = v.url;
  if (v.viewers !== undefined) cfg.viewers = flagNumber("--viewers", v.viewers);
  if (v.duration !== undefined) cfg.duration_s = flagNumber("--duration", v.duration);
  if (v.poison !== undefined) cfg.poison = v.poison.map((p) => flagNumber("--poison", p));
  if (v.out !== undefined) cfg.out_dir = v.out;
  return validate(cfg);
}

function flagNumber(name, s) {
  if (!/^[0-9]+(\.[0-9]+)?$/.test(s)) throw new ConfigError(`${name}: ${JSON.stringify(s)} is not a number`);
  return Number(s);
}

function validate(cfg) {
  for (const [k, [lo, hi]] of Object.entries(bounds)) {
    const n = cfg[k];
    if (typeof n !== "number" || !Number.isFinite(n) || n < lo || n > hi) {
      throw new ConfigError(`${k} must be a number in ${lo}..${hi} (got ${JSON.stringify(n)})`);
    }
  }
  if (!Number.isInteger(cfg.viewers)) throw new ConfigError(`viewers must be an integer (got ${cfg.viewers})`);
  checkLoopbackURL("url", cfg.url);
  if (!Array.isArray(cfg.poison) || cfg.poison.length > cfg.viewers) {
    throw new ConfigError("poison must be a list of viewer indexes");
  }
  for (const p of cfg.poison) {
    if (!Number.isInteger(p) || p < 0 || p >= cfg.viewers) {
      throw new ConfigError(`poison: ${JSON.stringify(p)} is not a viewer index in 0..${cfg.viewers - 1}`);
    }
  }
  if (!["never", "failure", "always"].includes(cfg.screenshots)) {
    throw new ConfigError(`screenshots must be never, failure or always (got ${JSON.stringify(cfg.screenshots)})`);
  }
  for (const k of ["out_dir", "chromium"]) {
    if (typeof cfg[k] !== "string" || cfg[k].length > 4096) throw new ConfigError(`${k} must be a string`);
  }
  if (cfg.chromium === "") throw new ConfigError("chromium must name the browser executable");
  if (cfg.timeout_s === 0) {
    cfg.timeout_s = Math.ceil(cfg.duration_s + cfg.first_alone_s + cfg.stagger_s * cfg.viewers + cfg.final_wait_s + 120);
  }
  cfg.poison = [...new Set(cfg.poison)].sort((a, b) => a - b);
  return cfg;
}

/**
 * The pages this driver opens must be on this machine: http(s) to
 * 127.0.0.0/8, [::1] or localhost, nothing else.
 */
export function checkLoopbackURL(key, s) {
  if (typeof s !== "string" || s === "") throw new ConfigError(`${key} is required`);
  if (s.length > 4096) throw new ConfigError(`${key} is longer than 4096 characters`);
  let u;
  try {
    u = new URL(s);
  } catch {
    throw new ConfigError(`${key} ${JSON.stringify(s)} is not a URL`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new ConfigError(`${key} must be http(s):// (got ${u.protocol})`);
  }
  if (!isLoopbackHost(u.hostname)) {
    throw new ConfigError(`${key} must point at this machine (127.0.0.1, [::1] or localhost), got host ${JSON.stringify(u.hostname)}`);
  }
  return u;
}

export function isLoopbackHost(host) {
  if (host === "localhost" || host === "[::1]" || host === "::1") return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return m !== null && m.slice(1).every((x) => Number(x) <= 255);
}
