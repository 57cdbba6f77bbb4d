#!/usr/bin/env node
/**
 * The tutor's command line: flags and the TTY check come first and load nothing heavy; the
 * game itself is imported only when it will run, with Node's compile cache on for fast starts.
 */
import { readFileSync } from "node:fs"
import module from "node:module"
import { parseArgs } from "node:util"

const usage = `mmguard tutor — learn the Linux kernel's mm locking rules by play

Usage: mmguard-tutor [options]

Options:
  --plain     plain, screen-reader friendly output (no colors, no symbols)
  --reset     forget all saved progress, then start
  -h, --help  show this help
  --version   show the version

Progress is saved in $XDG_CONFIG_HOME/mmguard (default ~/.config/mmguard).
NO_COLOR is honoured.`

/** The flags, parsed strictly: an unknown flag or a stray argument is a usage error (exit 2). */
const parse = () => {
  try {
    return parseArgs({
      options: {
        plain: { type: "boolean", default: false },
        reset: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
        version: { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: false,
    })
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    console.error(`mmguard-tutor: ${message}\n\n${usage}`)
    process.exit(2)
  }
}
const { values } = parse()

if (values.help) {
  console.log(usage)
  process.exit(0)
}
if (values.version) {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"))
  console.log(pkg.version)
  process.exit(0)
}
if (!process.stdin.isTTY || !process.stdout.isTTY) {
  console.error(
    "mmguard-tutor is interactive: run it in a terminal (stdin and stdout must be a TTY).",
  )
  process.exit(2)
}

module.enableCompileCache?.()
// The game is bundled into dist/game.js by scripts/bundle.mjs (one file loads much faster).
const game = new URL("./game.js", import.meta.url).href
const { start } = (await import(game)) as typeof import("./main.js")
start({ plain: values.plain === true, reset: values.reset === true })
