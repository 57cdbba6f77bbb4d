#!/usr/bin/env node
/**
 * The tutor's command line: flags, the TTY check, loading progress, and rendering the app.
 */
import { readFileSync } from "node:fs"
import { parseArgs } from "node:util"
import { render } from "ink"
import { App } from "./components/App.js"
import { ThemeContext } from "./components/Theme.js"
import { load, reset, saveDir } from "./save/progress.js"

const usage = `mmguard tutor — learn the Linux kernel's mm locking rules by play

Usage: mmguard-tutor [options]

Options:
  --plain     plain, screen-reader friendly output (no colors, no symbols)
  --reset     forget all saved progress, then start
  --help      show this help
  --version   show the version

Progress is saved in $XDG_CONFIG_HOME/mmguard (default ~/.config/mmguard).
NO_COLOR is honoured.`

const { values } = parseArgs({
  options: {
    plain: { type: "boolean", default: false },
    reset: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
    version: { type: "boolean", default: false },
  },
  strict: false,
})

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

const dir = saveDir()
if (values.reset) reset(dir)
const { progress, notice } = load(dir)
const theme = {
  color: process.env.NO_COLOR === undefined || process.env.NO_COLOR === "",
  plain: values.plain === true,
}
render(
  <ThemeContext value={theme}>
    <App saveDir={dir} initial={progress} {...(notice ? { notice } : {})} />
  </ThemeContext>,
  { isScreenReaderEnabled: theme.plain },
)
