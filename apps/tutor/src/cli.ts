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
       mmguard-tutor workshop [DIR]   the type puzzles as files for your own editor (default
                                      DIR: ./mmguard-workshop); every save is checked by tsc

Options:
  --plain     plain, screen-reader friendly output (no colors, no symbols)
  --reset     forget all saved progress, then start
  --list      list every puzzle (id, kind, chapter, title, rules) and exit
  --json      with --list: print the list as JSON
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
        list: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: true,
    })
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    console.error(`mmguard-tutor: ${message}\n\n${usage}`)
    process.exit(2)
  }
}
const { values, positionals } = parse()
if (
  positionals.length > 0 &&
  (positionals[0] !== "workshop" || positionals.length > 2 || values.list)
) {
  console.error(`mmguard-tutor: unexpected argument ${positionals.join(" ")}\n\n${usage}`)
  process.exit(2)
}

if (values.help) {
  console.log(usage)
  process.exit(0)
}
if (values.version) {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"))
  console.log(pkg.version)
  process.exit(0)
}
if (values.json && !values.list) {
  console.error(`mmguard-tutor: --json goes with --list\n\n${usage}`)
  process.exit(2)
}

module.enableCompileCache?.()
// The game is bundled into dist/game.js by scripts/bundle.mjs (one file loads much faster).
const game = new URL("./game.js", import.meta.url).href
type Game = typeof import("./main.js")

if (values.list) {
  // The catalogue needs no terminal: it is for scripts, docs and other tools.
  const { catalogue } = (await import(game)) as Game
  const entries = catalogue()
  if (values.json) console.log(JSON.stringify(entries, null, 2))
  else
    for (const e of entries)
      console.log(
        `${e.id.padEnd(28)} ${e.kind.padEnd(10)} ${e.chapter.padEnd(3)} ${e.title}  [${e.rules.join(" ")}]`,
      )
  process.exit(0)
}

if (positionals[0] === "workshop") {
  // The workshop is line-based: it needs no terminal, only a folder and stdin for commands.
  const { workshop } = (await import(game)) as Game
  const { resolve } = await import("node:path")
  await workshop(resolve(positionals[1] ?? "mmguard-workshop"))
  process.exit(0)
}

if (!process.stdin.isTTY || !process.stdout.isTTY) {
  console.error(
    "mmguard-tutor is interactive: run it in a terminal (stdin and stdout must be a TTY).",
  )
  process.exit(2)
}

const { start } = (await import(game)) as Game
start({ plain: values.plain === true, reset: values.reset === true })
