// Who this viewer is: the peer id it announces, its pingback session and its device class.

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const PEER_ID_LEN = 20;

function randomString(n, alphabet, random) {
  const bytes = new Uint8Array(n);
  random(bytes);
  let s = "";
  // 248 = 4 * 62: values at or above it would favour the first letters, so they are redrawn.
  for (let i = 0; i < n; i++) {
    let b = bytes[i];
    while (b >= 248) {
      const one = new Uint8Array(1);
      random(one);
      b = one[0];
    }
    s += alphabet[b % alphabet.length];
  }
  return s;
}

const cryptoRandom = (bytes) => globalThis.crypto.getRandomValues(bytes);

/**
 * Makes the 20-character peer id this viewer announces to the tracker. p2p-media-loader 2.3.1
 * does not expose the id it generates (tracker-client.ts keeps it in a private map), but it builds
 * it as trackerClientVersionPrefix + random characters up to 20: a prefix of exactly 20 characters
 * is used as it is. So the SDK makes the whole id (the library's own prefix, "-PM0203-" for 2.3.1,
 * plus random letters and digits) and passes it as the prefix, and then knows the id it reports.
 * @param {string} prefix p2p-media-loader's trackerClientVersionPrefix
 */
export function makePeerId(prefix, random = cryptoRandom) {
  const p = prefix.slice(0, PEER_ID_LEN - 8);
  return p + randomString(PEER_ID_LEN - p.length, ALNUM, random);
}

/** A random pingback session id: 22 characters of [A-Za-z0-9] (131 bits). */
export function makeSession(random = cryptoRandom) {
  return randomString(22, ALNUM, random);
}

/**
 * The device class for pingback, from the user agent: "tv", "mobile", "desktop" or "other".
 * @param {string} ua
 */
export function deviceClass(ua) {
  if (/SmartTV|SMART-TV|Tizen|Web0S|WebOS|HbbTV|AppleTV|GoogleTV|Android TV|CrKey|BRAVIA|AFT[A-Z]/i.test(ua)) return "tv";
  if (/Mobi|Android|iPhone|iPad|iPod|Windows Phone/i.test(ua)) return "mobile";
  if (/Windows NT|Macintosh|X11|Linux|CrOS/.test(ua)) return "desktop";
  return "other";
}
