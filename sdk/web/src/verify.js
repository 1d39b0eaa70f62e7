// Verification of every segment a peer sends, as p2p-media-loader's validateP2PSegment: the bytes
// must have exactly the size and SHA-256 the manifest lists for the segment's basename.
//
// Outcomes:
//   - match: accepted.
//   - size or hash mismatch: refused, counted as rejected and blamed on the peer that sent it.
//     p2p-media-loader then drops the bytes, closes that peer's connection and fetches the segment
//     from the CDN (peer.ts: "p2p-segment-validation-failed").
//   - basename not in the manifest: the playlist can be a little newer than the manifest, so the
//     manifest is refetched (bounded, shared, see ManifestSource.refetch) before deciding; still
//     missing, or a byte-range segment (the manifest hashes whole files): refused as unverifiable,
//     with nobody blamed, because peer data that cannot be checked is never used.
// A mismatch is decided on the manifest at hand, without a refetch: the manifest changes a
// segment's hash only when a republish reuses its name, and then the swarm changes too.

import { basename } from "./urls.js";

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** SHA-256 of data as lowercase hex, with WebCrypto. */
export async function sha256Hex(data, subtle = globalThis.crypto.subtle) {
  const d = new Uint8Array(await subtle.digest("SHA-256", data));
  let s = "";
  for (const b of d) s += HEX[b];
  return s;
}

/**
 * Makes the validateP2PSegment function.
 * @param {{source: {current: any, refetch: (want: (m: any) => boolean) => Promise<boolean>},
 *   digest?: (data: ArrayBuffer) => Promise<string>,
 *   peerFor?: (url: string) => string|undefined,
 *   onResult?: (r: {ok: boolean, kind: "match"|"mismatch"|"unverifiable", url: string, name: string,
 *     peerId: string, reason: string}) => void}} opts
 *   peerFor tells which peer the segment at url is being downloaded from, when known.
 */
export function makeValidator({ source, digest = sha256Hex, peerFor = () => undefined, onResult = () => {} }) {
  return async function validateP2PSegment(url, byteRange, data) {
    // Read who sent it now: by the time the hash is done another attempt may have started.
    const peerId = peerFor(url) ?? "";
    const name = basename(url);
    const result = (ok, kind, reason) => {
      onResult({ ok, kind, url, name, peerId, reason });
      return ok;
    };
    if (byteRange) return result(false, "unverifiable", "byte range (the manifest hashes whole files)");
    if (!name) return result(false, "unverifiable", "no file name in URL");
    let entry = source.current?.byName.get(name);
    if (!entry) {
      await source.refetch((m) => m.byName.has(name));
      entry = source.current?.byName.get(name);
      if (!entry) return result(false, "unverifiable", "not in the manifest");
    }
    if (data.byteLength !== entry.size) {
      return result(false, "mismatch", `size ${data.byteLength}, manifest ${entry.size}`);
    }
    const sum = await digest(data);
    if (sum !== entry.sha256) return result(false, "mismatch", "sha256 differs from the manifest");
    return result(true, "match", "");
  };
}
