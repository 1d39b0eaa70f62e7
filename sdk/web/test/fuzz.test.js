import { test } from "node:test";
import assert from "node:assert/strict";
import { parseManifest, ManifestError } from "../src/manifest.js";
import { golden } from "./helpers.js";

// A seeded generator, so a failure reproduces.
function prng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ['"', "{", "}", "[", "]", ",", ":", "null", "-1", "1e9", "0.0001", '"x"', "true", "\\u0000", "\\", " ", "9".repeat(30)];

function mutate(text, rnd) {
  let s = text;
  const n = 1 + Math.floor(rnd() * 4);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(rnd() * (s.length + 1));
    switch (Math.floor(rnd() * 4)) {
      case 0: // delete a span
        s = s.slice(0, at) + s.slice(at + 1 + Math.floor(rnd() * 8));
        break;
      case 1: // insert a JSON piece
        s = s.slice(0, at) + PIECES[Math.floor(rnd() * PIECES.length)] + s.slice(at);
        break;
      case 2: // duplicate a span
        s = s.slice(0, at) + s.slice(at, at + 20) + s.slice(at);
        break;
      default: // flip a character
        s = s.slice(0, at) + String.fromCharCode(Math.floor(rnd() * 128)) + s.slice(at + 1);
    }
  }
  return s;
}

test("mutated manifests either parse to a valid manifest or fail with a ManifestError", () => {
  const seeds = ["srs6-ts-retained.p2p.json", "srs7-fmp4-init.p2p.json", "empty-p2p.p2p.json"].map(golden);
  const rnd = prng(20261124);
  let accepted = 0;
  for (let i = 0; i < 3000; i++) {
    const text = mutate(seeds[i % seeds.length], rnd);
    let m;
    try {
      m = parseManifest(text);
    } catch (err) {
      assert.ok(err instanceof ManifestError, `input ${JSON.stringify(text.slice(0, 200))} threw ${err}`);
      continue;
    }
    accepted++;
    // Whatever is accepted is a manifest a second parse of its own JSON accepts too.
    const { byName, ...plain } = m;
    assert.equal(byName.size, m.segments.length + (m.init ? 1 : 0));
    parseManifest(JSON.stringify(plain));
  }
  assert.ok(accepted < 3000, "mutations must be rejected sometimes");
});
