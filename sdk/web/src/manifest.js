// The srs-p2p manifest, format version 1 (see the Go package p2pmeta, doc.go: the contract). The
// reader rejects what p2pmeta.Parse rejects: unknown, duplicate, missing or differently-cased keys,
// null values, numbers in the wrong form, more than one value, files over MAX_SIZE, and every rule
// of Validate. It is stricter in one way: integers above 2^53-1 (seq, media_sequence, size) are
// refused, because a JavaScript number cannot hold them exactly.

import { NumberLiteral, parseStrict } from "./strictjson.js";
import { checkURL, parseSTUN } from "./urls.js";

export const VERSION = 1;
export const MAX_SIZE = 16 << 20;

const MAX_ID_LEN = 128;
const MAX_NAME_LEN = 255;
const MAX_URI_LEN = 1024;
const MAX_URLS = 16;
const MAX_SEGMENTS = 100_000;
const MAX_SECONDS = 86_400;
const SWARM_PREFIX = "srs-p2p:";

const NAME_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=@]+$/;
const ID_CHARS = /^[A-Za-z0-9._:-]+$/;
const HEX64 = /^[0-9a-f]{64}$/;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A manifest that breaks a rule; field names the JSON path ("segments[3].sha256"). */
export class ManifestError extends Error {
  constructor(field, reason, { version = false } = {}) {
    super(`manifest ${field}: ${reason}`);
    this.name = "ManifestError";
    this.field = field;
    this.reason = reason;
    /** true when the version is one this reader does not know: play from the CDN only. */
    this.unsupportedVersion = version;
  }
}

// Shapes: the keys of each object, whether they are required, and the kind of their values.
const str = { kind: "string" };
const bool = { kind: "bool" };
const int = { kind: "int" };
const uint = { kind: "uint" };
const seconds = { kind: "seconds" };
const fileShape = { kind: "object", fields: { uri: [str, true], size: [int, true], sha256: [str, true] } };
const segmentShape = {
  kind: "object",
  fields: {
    uri: [str, true],
    seq: [uint, true],
    duration: [seconds, true],
    size: [int, true],
    sha256: [str, true],
    discontinuity: [bool, false],
    retained: [bool, false],
  },
};
const manifestShape = {
  kind: "object",
  fields: {
    version: [int, true],
    stream: [{ kind: "object", fields: { vhost: [str, true], app: [str, true], name: [str, true] } }, true],
    epoch: [str, true],
    swarm_id: [str, true],
    updated_at: [str, true],
    playlist: [str, true],
    media_sequence: [uint, true],
    target_duration: [int, true],
    init: [fileShape, false],
    segments: [{ kind: "array", elem: segmentShape }, true],
    p2p: [
      {
        kind: "object",
        fields: {
          trackers: [{ kind: "array", elem: str }, true],
          stun: [{ kind: "array", elem: str }, true],
          pingback: [str, true],
        },
      },
      true,
    ],
  },
};

/**
 * Parses and validates manifest text (a string or the raw bytes, which must be UTF-8).
 * Returns a plain object with the manifest's fields plus byName: Map<basename, entry>.
 * @param {string|Uint8Array|ArrayBuffer} input
 * @throws {ManifestError}
 */
export function parseManifest(input) {
  let text = input;
  if (typeof input !== "string") {
    const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
    if (bytes.byteLength > MAX_SIZE) throw new ManifestError("manifest", `larger than ${MAX_SIZE} bytes`);
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      throw new ManifestError("manifest", "not valid UTF-8");
    }
  } else if (text.length > MAX_SIZE) {
    throw new ManifestError("manifest", `larger than ${MAX_SIZE} bytes`);
  }
  let raw;
  try {
    raw = parseStrict(text);
  } catch (err) {
    throw new ManifestError("manifest", `bad JSON: ${err.message}`);
  }
  if (!isObject(raw)) throw new ManifestError("manifest", "not a JSON object");
  checkVersion(raw);
  const m = walk(raw, manifestShape, "");
  validate(m);
  m.byName = indexByName(m);
  return m;
}

function isObject(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof NumberLiteral);
}

// The version is checked before anything else, so a manifest of a later version says so instead
// of failing on a key this reader does not know.
function checkVersion(raw) {
  if (!Object.prototype.hasOwnProperty.call(raw, "version")) throw new ManifestError("version", "missing");
  const v = raw.version;
  if (!(v instanceof NumberLiteral) || /[.eE]/.test(v.raw)) throw new ManifestError("version", "not an integer");
  if (v.raw !== String(VERSION)) {
    throw new ManifestError("version", `unsupported ${v.raw}, this reader knows ${VERSION}`, { version: true });
  }
}

// walk checks a parsed value against a shape and returns it with NumberLiterals turned into numbers.
function walk(v, shape, at) {
  const field = at || "manifest";
  if (v === null) throw new ManifestError(field, "null is not allowed");
  switch (shape.kind) {
    case "object": {
      if (!isObject(v)) throw new ManifestError(field, "not an object");
      const out = {};
      for (const key of Object.keys(v)) {
        const child = at ? `${at}.${key}` : key;
        const spec = shape.fields[key];
        if (!spec || !Object.prototype.hasOwnProperty.call(shape.fields, key)) {
          throw new ManifestError(at ? `${at}.${JSON.stringify(key.slice(0, 64))}` : JSON.stringify(key.slice(0, 64)), "unknown key");
        }
        out[key] = walk(v[key], spec[0], child);
      }
      for (const [key, [, required]] of Object.entries(shape.fields)) {
        if (required && !(key in out)) throw new ManifestError(at ? `${at}.${key}` : key, "missing");
      }
      return out;
    }
    case "array":
      if (!Array.isArray(v)) throw new ManifestError(field, "not an array");
      if (v.length > MAX_SEGMENTS) throw new ManifestError(field, `more than ${MAX_SEGMENTS} entries`);
      return v.map((e, i) => walk(e, shape.elem, `${at}[${i}]`));
    case "string":
      if (typeof v !== "string") throw new ManifestError(field, "not a string");
      return v;
    case "bool":
      if (typeof v !== "boolean") throw new ManifestError(field, "not true or false");
      return v;
    default:
      if (!(v instanceof NumberLiteral)) throw new ManifestError(field, "not a number");
      return checkNumber(shape.kind, v, field);
  }
}

function checkNumber(kind, lit, field) {
  const { raw, value } = lit;
  const integer = !/[.eE]/.test(raw);
  switch (kind) {
    case "int":
      if (!integer) throw new ManifestError(field, "not an integer");
      if (!Number.isSafeInteger(value)) throw new ManifestError(field, "integer out of range");
      return value;
    case "uint":
      if (!integer || raw.startsWith("-")) throw new ManifestError(field, "not a non-negative integer");
      if (!Number.isSafeInteger(value)) throw new ManifestError(field, "integer out of range (above 2^53-1)");
      return value;
    default: {
      // seconds: a non-negative decimal with at most three fraction digits and no exponent.
      const [whole, frac] = raw.split(".");
      if (raw.startsWith("-") || /[eE]/.test(raw) || (frac !== undefined && frac.length > 3) || whole.length > 5) {
        throw new ManifestError(field, "not a decimal 0..86400 with at most 3 fraction digits");
      }
      return value;
    }
  }
}

function checkName(s) {
  if (s === "") return "empty";
  if (s.length > MAX_NAME_LEN) return `longer than ${MAX_NAME_LEN} bytes`;
  if (s === "." || s === "..") return `is ${s}`;
  if (!NAME_CHARS.test(s)) return "character outside [A-Za-z0-9._~!$&'()*+,;=@-]";
  return "";
}

function validID(s) {
  return s.length > 0 && s.length <= MAX_ID_LEN && ID_CHARS.test(s);
}

function checkRelPath(s) {
  if (s === "") return "empty";
  if (s.length > MAX_URI_LEN) return `longer than ${MAX_URI_LEN} bytes`;
  if (s.startsWith("/")) return "absolute path (must be relative to the manifest's directory)";
  if (/[?#]/.test(s)) return "has a ?query or #fragment (strip it)";
  for (const seg of s.split("/")) {
    const why = checkName(seg);
    if (why) return `path segment ${JSON.stringify(seg)}: ${why}`;
  }
  return "";
}

function checkFile(field, f) {
  const why = checkRelPath(f.uri);
  if (why) throw new ManifestError(`${field}.uri`, why);
  if (f.size < 0) throw new ManifestError(`${field}.size`, `negative ${f.size}`);
  if (!HEX64.test(f.sha256)) throw new ManifestError(`${field}.sha256`, "not 64 lowercase hex");
}

function base(uri) {
  return uri.slice(uri.lastIndexOf("/") + 1);
}

function validate(m) {
  const { vhost, app, name } = m.stream;
  let why = checkName(vhost);
  if (why) throw new ManifestError("stream.vhost", why);
  if (app.length > MAX_NAME_LEN) throw new ManifestError("stream.app", `longer than ${MAX_NAME_LEN} bytes`);
  for (const level of app.split("/")) {
    why = checkName(level);
    if (why) throw new ManifestError("stream.app", why);
  }
  why = checkName(name);
  if (why) throw new ManifestError("stream.name", why);
  if (!validID(m.epoch)) throw new ManifestError("epoch", "not 1..128 bytes of [A-Za-z0-9._:-]");

  if (!m.swarm_id.startsWith(SWARM_PREFIX)) throw new ManifestError("swarm_id", `does not start with ${SWARM_PREFIX}`);
  const tail = `/${vhost}/${app}/${name}/${m.epoch}`;
  if (!m.swarm_id.endsWith(tail)) {
    throw new ManifestError("swarm_id", "does not end with /<vhost>/<app>/<name>/<epoch> of this manifest");
  }
  if (!validID(m.swarm_id.slice(SWARM_PREFIX.length, m.swarm_id.length - tail.length))) {
    throw new ManifestError("swarm_id", "origin id not 1..128 bytes of [A-Za-z0-9._:-]");
  }

  const t = TIME.test(m.updated_at) ? new Date(m.updated_at) : null;
  if (!t || Number.isNaN(t.getTime()) || t.toISOString() !== m.updated_at) {
    throw new ManifestError("updated_at", "not UTC RFC 3339 with 3 fractional digits like 2026-11-24T12:27:47.926Z");
  }
  why = checkRelPath(m.playlist);
  if (why) throw new ManifestError("playlist", why);
  if (m.playlist.includes("/") || !m.playlist.endsWith(".m3u8") || m.playlist === ".m3u8") {
    throw new ManifestError("playlist", "not a file name ending in .m3u8 (the manifest sits next to its playlist)");
  }
  if (m.target_duration < 1 || m.target_duration > MAX_SECONDS) {
    throw new ManifestError("target_duration", `${m.target_duration} outside 1..${MAX_SECONDS}`);
  }
  if (m.init) checkFile("init", m.init);
  validateSegments(m);
  validateP2P(m.p2p);
}

function validateSegments(m) {
  const owners = new Map();
  if (m.init) owners.set(base(m.init.uri), "init.uri");
  let inPlaylist = 0;
  m.segments.forEach((s, i) => {
    const field = `segments[${i}]`;
    checkFile(field, s);
    const b = base(s.uri);
    if (owners.has(b)) throw new ManifestError(`${field}.uri`, `basename also used by ${owners.get(b)}`);
    owners.set(b, `${field}.uri`);
    if (s.duration < 0 || s.duration > MAX_SECONDS) {
      throw new ManifestError(`${field}.duration`, `${s.duration} outside 0..${MAX_SECONDS}`);
    }
    const prev = i > 0 ? m.segments[i - 1].seq : null;
    if (s.retained) {
      if (inPlaylist > 0) throw new ManifestError(`${field}.retained`, "retained segment after a playlist segment");
      if (s.seq >= m.media_sequence) {
        throw new ManifestError(`${field}.seq`, `retained ${s.seq} not below media_sequence ${m.media_sequence}`);
      }
    } else {
      if (s.seq < m.media_sequence) {
        throw new ManifestError(`${field}.seq`, `${s.seq} below media_sequence ${m.media_sequence}`);
      }
      inPlaylist++;
    }
    if (prev !== null && s.seq <= prev) throw new ManifestError(`${field}.seq`, `${s.seq} not above the previous ${prev}`);
  });
}

function validateP2P(p) {
  if (p.trackers.length > MAX_URLS) throw new ManifestError("p2p.trackers", `more than ${MAX_URLS} entries`);
  p.trackers.forEach((u, i) => {
    const why = checkURL(u, ["ws", "wss"]);
    if (why) throw new ManifestError(`p2p.trackers[${i}]`, why);
  });
  if (p.stun.length > MAX_URLS) throw new ManifestError("p2p.stun", `more than ${MAX_URLS} entries`);
  p.stun.forEach((u, i) => {
    const r = parseSTUN(u);
    if (typeof r === "string") throw new ManifestError(`p2p.stun[${i}]`, r);
  });
  if (p.pingback !== "") {
    const why = checkURL(p.pingback, ["http", "https"]);
    if (why) throw new ManifestError("p2p.pingback", why);
  }
}

function indexByName(m) {
  const byName = new Map();
  if (m.init) byName.set(base(m.init.uri), m.init);
  for (const s of m.segments) byName.set(base(s.uri), s);
  return byName;
}
