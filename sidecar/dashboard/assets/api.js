// The JSON API of srs-p2p, SRS style: {"code":0,"server":ID,"data":...};
// errors are {"code":N,"data":"reason"} with an HTTP error status.

import { obj, str } from "./format.js";

const TIMEOUT_MS = 5000;

// MAX_BODY bounds what the page parses: a reply larger than this is an
// error, not something to freeze the tab with.
const MAX_BODY = 8 << 20;

export class APIError extends Error {}

// getJSON fetches path and returns the whole envelope when code is 0.
export async function getJSON(path) {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), TIMEOUT_MS);
  let resp;
  let text;
  try {
    resp = await fetch(path, { cache: "no-store", signal: ctrl.signal, headers: { Accept: "application/json" } });
    text = await resp.text();
  } catch (err) {
    const why = err && err.name === "AbortError" ? "timed out after " + TIMEOUT_MS / 1000 + " s" : "unreachable";
    throw new APIError("GET " + path + ": " + why);
  } finally {
    clearTimeout(timer);
  }
  if (text.length > MAX_BODY) throw new APIError("GET " + path + ": reply too large");
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    // Reported below with the status.
  }
  const envelope = obj(body);
  if (!resp.ok || envelope.code !== 0) {
    const reason = str(envelope.data) || (body === null ? "not JSON" : "code " + String(envelope.code));
    throw new APIError("GET " + path + ": HTTP " + resp.status + " (" + reason.slice(0, 200) + ")");
  }
  return envelope;
}

export async function fetchVersion() {
  return str(obj((await getJSON("/api/v1/versions")).data).version);
}

// fetchStreams returns {server, streams}.
export async function fetchStreams() {
  const env = await getJSON("/api/v1/streams");
  const streams = obj(env.data).streams;
  if (!Array.isArray(streams)) throw new APIError("GET /api/v1/streams: no data.streams list");
  return { server: str(env.server), streams: streams.map(obj) };
}

// fetchDetail returns data of /api/v1/streams/{app}/{name}: {stream, pingback}.
export async function fetchDetail(s) {
  const path =
    "/api/v1/streams/" + encodeURIComponent(str(s.app)) + "/" + encodeURIComponent(str(s.name)) +
    "?vhost=" + encodeURIComponent(str(s.vhost));
  return obj((await getJSON(path)).data);
}
