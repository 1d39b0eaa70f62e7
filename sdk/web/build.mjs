// npm run build: the library for npm (dist/srs-p2p.js, dependencies left as imports) and the
// player page bundle srs-p2p serves (sidecar/player/dist/player.js: everything in one minified
// ES module, with a source map).
import * as esbuild from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const common = {
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  logLevel: "warning",
  define: { "process.env.NODE_ENV": '"production"' },
};

await esbuild.build({
  ...common,
  entryPoints: [path.join(here, "src/index.js")],
  outfile: path.join(here, "dist/srs-p2p.js"),
  packages: "external",
  sourcemap: true,
});

await esbuild.build({
  ...common,
  entryPoints: [path.join(here, "src/page.js")],
  outfile: path.join(here, "../../sidecar/player/dist/player.js"),
  minify: true,
  sourcemap: true,
  legalComments: "eof",
  // p2p-media-loader-core's exports offer its own browser build (bittorrent-tracker with the Node
  // built-ins it needs, such as "events", already bundled) under this condition.
  conditions: ["p2pml:core-as-bundle"],
});
