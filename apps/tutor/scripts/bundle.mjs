// Bundles the game (dist/main.js and everything it imports) into dist/game.js, so the first
// frame does not wait for Node to load hundreds of small modules. TypeScript stays external
// (the type puzzles run its tsc binary), and so do the packages it resolves at run time.
import { build } from "esbuild"

await build({
  entryPoints: ["dist/main.js"],
  outfile: "dist/game.js",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node22",
  external: ["typescript"],
  // ink imports react-devtools-core, used only with DEV=true.
  alias: { "react-devtools-core": "./scripts/devtools-stub.js" },
  // Some bundled CommonJS modules call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __mmguardCreateRequire } from 'node:module'; globalThis.require ??= __mmguardCreateRequire(import.meta.url);",
  },
  // Smaller text parses faster: most of the first frame is spent parsing this file.
  minify: true,
  // React's production build: the development one checks every element and renders slower.
  // yoga-layout's wasm loader prefers fetch() when it sees one; in Node that first touch loads
  // undici (~55 ms of the first frame) only to read bytes the bundle already holds. Without a
  // fetch it instantiates them directly. The game makes no network requests.
  define: { "process.env.NODE_ENV": '"production"', fetch: "undefined" },
  logLevel: "warning",
})
