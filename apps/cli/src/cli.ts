#!/usr/bin/env node
/**
 * The `mmguard` command: `check` a file of kernel paths written with @mmguard/core, list the
 * `rules`, `explain` one. Exit codes: 0 safe, 1 violation, 2 bad input or type errors (a missing
 * lock), 3 inconclusive (the budget ran out).
 */
import { readFileSync, writeFileSync } from "node:fs"
import { parseArgs } from "node:util"
import { BadInput, badInput } from "./BadInput.js"
import { check } from "./Check.js"
import { renderText } from "./Report.js"
import { explain, listRules } from "./Rules.js"
import { svg } from "./Svg.js"

const usage = `mmguard — check Linux mm locking code written with @mmguard/core

Usage:
  mmguard check FILE.ts [options]   type-check FILE, then explore its exported \`paths\`
  mmguard rules                     list the rule table
  mmguard explain ID                one rule: its rows, where core and sim enforce it

Options of check:
  --against IDS      also run these library scenarios, comma-separated (e.g. munmap,khugepaged)
  --arch NAME        architecture (default x86-64-4-level; e.g. arm64-4k-39, riscv-sv57)
  --max-states N     stop exploring after N states (default 200000)
  --max-seconds S    stop exploring after S seconds (default 10)
  --json             print the report as JSON
  --svg OUT          also draw the violating schedule as an SVG swimlane into OUT
  --progress         show progress on stderr even when it is not a terminal
  -h, --help         show this help
  --version          show the version

FILE exports \`paths\` (a record from name to core program) and optionally \`world\`
({ arch?, mms: [{ name, vmas: [{ start, end, anon?, file?, mapped? }] }] }, page numbers);
without it the library's layout is used (mm "proc": anon [512,1024), file "libfoo"
[2048,2560), stack [8192,8704)).

Exit codes: 0 safe, 1 violation, 2 bad input or a missing lock, 3 budget ran out.`

const fail = (message: string, withUsage = false): never => {
  console.error(`mmguard: ${message}${withUsage ? `\n\n${usage}` : ""}`)
  process.exit(2)
}

const parse = () => {
  try {
    return parseArgs({
      allowPositionals: true,
      strict: true,
      options: {
        against: { type: "string" },
        arch: { type: "string" },
        "max-states": { type: "string" },
        "max-seconds": { type: "string" },
        json: { type: "boolean", default: false },
        svg: { type: "string" },
        progress: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
        version: { type: "boolean", default: false },
      },
    })
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e), true)
  }
}

const positive = (flag: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0)
    throw badInput(`--${flag} wants a positive number, not "${value}"`)
  return n
}

/** Prints a progress line on stderr for explorations that take longer than a second. */
const progress = (force: boolean) => {
  const tty = process.stderr.isTTY === true
  if (!tty && !force) return { report: undefined, done: () => {} }
  let shown = 0
  return {
    report: (states: number, millis: number) => {
      if (millis < 1000 || millis - shown < (tty ? 100 : 1000)) return
      shown = millis
      const line = `exploring: ${states} states, ${(millis / 1000).toFixed(1)} s`
      process.stderr.write(tty ? `\r${line}` : `${line}\n`)
    },
    done: () => {
      if (tty && shown > 0) process.stderr.write("\r\x1b[K")
    },
  }
}

const main = async (): Promise<number> => {
  const { values, positionals } = parse()
  if (values.help) {
    console.log(usage)
    return 0
  }
  if (values.version) {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"))
    console.log(pkg.version)
    return 0
  }
  const [command, ...args] = positionals
  switch (command) {
    case "rules":
      console.log(listRules())
      return 0
    case "explain": {
      if (args.length !== 1) return fail("explain takes one rule ID, e.g. `mmguard explain P3`")
      console.log(explain(args[0] as string))
      return 0
    }
    case "check": {
      if (args.length !== 1)
        return fail("check takes one file, e.g. `mmguard check paths.ts`", true)
      const p = progress(values.progress)
      const report = await check(args[0] as string, {
        against: values.against
          ? values.against
              .split(",")
              .map((s) => s.trim())
              .filter(Boolean)
          : [],
        ...(values.arch === undefined ? {} : { arch: values.arch }),
        ...(values["max-states"] === undefined
          ? {}
          : { maxStates: positive("max-states", values["max-states"]) as number }),
        ...(values["max-seconds"] === undefined
          ? {}
          : { maxSeconds: positive("max-seconds", values["max-seconds"]) as number }),
        ...(p.report ? { progress: p.report } : {}),
      })
      p.done()
      if (values.svg !== undefined && report.exploration)
        writeFileSync(values.svg, svg(report.exploration))
      console.log(values.json ? JSON.stringify(report, bigints, 2) : renderText(report))
      return { safe: 0, violation: 1, "type-errors": 2, budget: 3 }[report.verdict]
    }
    case undefined:
      return fail("no command given", true)
    default:
      return fail(`unknown command "${command}"`, true)
  }
}

/** JSON.stringify replacer: bigints (addresses) as decimal strings. */
const bigints = (_key: string, value: unknown) =>
  typeof value === "bigint" ? value.toString() : value

try {
  process.exitCode = await main()
} catch (e) {
  if (!(e instanceof BadInput)) throw e
  // With --json, whoever reads stdout gets the error as JSON too.
  if (process.argv.includes("--json"))
    console.log(JSON.stringify({ verdict: "bad-input", message: e.message }, null, 2))
  fail(e.message)
}
