// URL rules shared by the manifest reader, the verifier and the NAT check. The checks mirror the Go
// package p2pmeta (p2p.go), so a manifest srs-p2p writes is read here under the same rules.

const URL_CHARS = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]*$/;
const DNS_NAME = /^[A-Za-z0-9.-]{1,253}$/;
const MAX_URL_LEN = 2048;

/**
 * Returns the URL of the manifest next to a playlist: ".m3u8" at the end of the path becomes
 * ".p2p.json"; the query (a CDN token, say) is kept, a #fragment dropped.
 * @param {string} playlistUrl absolute, or relative to base
 * @param {string} [base]
 */
export function manifestUrlFor(playlistUrl, base) {
  const u = new URL(playlistUrl, base);
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new Error(`playlist URL: scheme ${u.protocol} is not http or https`);
  }
  if (!u.pathname.endsWith(".m3u8") || u.pathname.endsWith("/.m3u8")) {
    throw new Error("playlist URL: path does not end in <name>.m3u8");
  }
  u.pathname = u.pathname.slice(0, -".m3u8".length) + ".p2p.json";
  u.hash = "";
  return u.href;
}

/**
 * The basename of a segment URL's path without query or fragment: how the manifest keys segments
 * (SRS's own server appends "?hls_ctx=..."). Returns "" when there is none.
 * @param {string} url
 */
export function basename(url) {
  let path = url;
  const cut = path.search(/[?#]/);
  if (cut >= 0) path = path.slice(0, cut);
  const name = path.slice(path.lastIndexOf("/") + 1);
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/**
 * Adds ?token= to a URL, keeping its other query parameters; no token leaves it unchanged.
 * @param {string} url
 * @param {string|undefined} token
 */
export function withToken(url, token) {
  if (!token) return url;
  const u = new URL(url);
  u.searchParams.set("token", token);
  return u.href;
}

/** Why s is not made of RFC 3986 characters within the length bound, or "". */
function checkURLChars(s) {
  if (s === "") return "empty";
  if (s.length > MAX_URL_LEN) return `longer than ${MAX_URL_LEN} bytes`;
  if (!URL_CHARS.test(s)) return "character not allowed in a URL";
  if (/%(?![0-9A-Fa-f]{2})/.test(s)) return "bad percent-encoding";
  return "";
}

function checkPort(port) {
  if (port === "") return "empty port";
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) return "port not 1..65535";
  return "";
}

function isIPv6(h) {
  if (!/^[0-9A-Fa-f:.]+$/.test(h) || !h.includes(":")) return false;
  try {
    new URL(`http://[${h}]/`);
    return true;
  } catch {
    return false;
  }
}

/** validHost: an IP address or a DNS name of letters, digits, "-" and ".". */
function validHost(h) {
  return DNS_NAME.test(h) || isIPv6(h);
}

/**
 * Splits "host[:port]" or "[v6][:port]". Returns {host, port} (port "" when absent, null when the
 * colon has nothing after it) or a string saying why it is not one.
 */
function splitHostPort(hostport) {
  if (hostport.startsWith("[")) {
    const end = hostport.indexOf("]");
    if (end < 0) return "not host[:port]";
    const host = hostport.slice(1, end);
    const rest = hostport.slice(end + 1);
    if (rest === "") return { host, port: "", v6: true };
    if (!rest.startsWith(":")) return "not host[:port]";
    return { host, port: rest.slice(1), colon: true, v6: true };
  }
  const parts = hostport.split(":");
  if (parts.length > 2 || /[[\]]/.test(hostport)) return "not host[:port]";
  if (parts.length === 2) return { host: parts[0], port: parts[1], colon: true };
  return { host: hostport, port: "" };
}

/**
 * Why s is not an absolute URL with one of the schemes, a valid host, no user info and no
 * fragment; "" when it is fine.
 * @param {string} s
 * @param {string[]} schemes
 */
export function checkURL(s, schemes) {
  const bad = checkURLChars(s);
  if (bad) return bad;
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)/.exec(s);
  if (!m) return "not an absolute URL";
  if (!schemes.includes(m[1])) return `scheme not ${schemes.join(" or ")}`;
  if (s.includes("#")) return "has a #fragment";
  const authority = m[2];
  if (authority.includes("@")) return "has user info";
  const hp = splitHostPort(authority);
  if (typeof hp === "string") return "no valid host";
  if (hp.v6 ? !isIPv6(hp.host) : !validHost(hp.host)) return "no valid host";
  if (hp.colon) return checkPort(hp.port);
  return "";
}

/**
 * Parses an RFC 7064 URI "stun:host[:port]" or "stuns:host[:port]". Returns {scheme, host, port}
 * (port defaulted to 3478 or 5349) or a string saying why it is not one.
 * @param {string} s
 */
export function parseSTUN(s) {
  const bad = checkURLChars(s);
  if (bad) return bad;
  const colon = s.indexOf(":");
  const scheme = colon < 0 ? "" : s.slice(0, colon);
  if (scheme !== "stun" && scheme !== "stuns") return "scheme not stun or stuns";
  const hostport = s.slice(colon + 1);
  if (/[/?#@]/.test(hostport)) return "not host[:port]";
  const hp = splitHostPort(hostport);
  if (typeof hp === "string") return hp;
  if (hp.colon) {
    const why = checkPort(hp.port);
    if (why) return why;
  }
  if (hp.v6 ? !isIPv6(hp.host) : !validHost(hp.host)) return "no valid host";
  const port = hp.port ? Number(hp.port) : scheme === "stuns" ? 5349 : 3478;
  return { scheme, host: hp.host.toLowerCase(), port };
}
