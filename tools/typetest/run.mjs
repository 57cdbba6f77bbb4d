#!/usr/bin/env node
// Type-fixture runner: compiles a folder of `*.tst.ts` fixtures with the real `tsc` of
// TypeScript 6 and TypeScript 7 and checks each diagnostic against the fixture's expectations.
//
//   node tools/typetest/run.mjs <fixture-dir> [--ts 6,7] [--report <file>]
//
// An expectation is a comment line `// @expect-error <substring>` directly above the line where
// tsc must report an error whose full text (message plus its indented elaboration) contains the
// substring. Every reported error must be expected; a fixture without expectations must compile
// cleanly. One result per fixture and TypeScript version; exit code 1 when any fails.
import { spawnSync } from "node:child_process"
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { basename, dirname, join, resolve } from "node:path"
import { parseArgs } from "node:util"

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { ts: { type: "string", default: "6,7" }, report: { type: "string" } },
})
const dir = resolve(positionals[0] ?? "dtslint")
const require = createRequire(import.meta.url)
const tscOf = (pkg) => join(dirname(require.resolve(`${pkg}/package.json`)), "bin", "tsc")
const compilers = { 6: tscOf("typescript6"), 7: tscOf("typescript") }

/** Reads the expectations of one fixture: line number (1-based) -> expected substrings. */
export const readExpectations = (text) => {
  const lines = text.split("\n")
  const expected = new Map()
  let pending = []
  lines.forEach((line, i) => {
    const m = /^\s*\/\/\s*@expect-error\s+(.+?)\s*$/.exec(line)
    if (m) {
      pending.push(m[1])
      return
    }
    if (pending.length > 0) {
      expected.set(i + 1, pending)
      pending = []
    }
  })
  return expected
}

/** Parses `tsc --pretty false` output into diagnostics with their full (multi-line) text. */
export const parseDiagnostics = (output, cwd) => {
  const diags = []
  for (const line of output.split("\n")) {
    const m = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line)
    if (m) diags.push({ file: resolve(cwd, m[1]), line: Number(m[2]), code: m[4], text: m[5] })
    else if (diags.length > 0 && /^\s/.test(line))
      diags[diags.length - 1].text += `\n${line.trim()}`
    else if (line.trim() !== "") diags.push({ file: null, line: 0, code: "global", text: line })
  }
  return diags
}

/** Compares one fixture's expectations with the diagnostics tsc reported for it. */
export const judge = (expected, diags) => {
  const problems = []
  for (const [line, subs] of expected) {
    const here = diags.filter((d) => d.line === line)
    if (here.length === 0) problems.push(`line ${line}: expected an error, tsc reported none`)
    for (const sub of subs) {
      if (here.length > 0 && !here.some((d) => d.text.includes(sub)))
        problems.push(
          `line ${line}: no error mentions "${sub}"; tsc said:\n    ${here.map((d) => d.text.replaceAll("\n", "\n    ")).join("\n    ")}`,
        )
    }
  }
  for (const d of diags)
    if (!expected.has(d.line)) problems.push(`line ${d.line}: unexpected ${d.code}: ${d.text}`)
  return problems
}

const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith(".tst.ts"))
  .sort()
const results = []
for (const version of values.ts.split(",")) {
  const tsc = compilers[version]
  if (!tsc) throw new Error(`unknown TypeScript version ${version} (use 6 or 7)`)
  const run = spawnSync(
    process.execPath,
    [tsc, "-p", resolve(dir, "tsconfig.json"), "--noEmit", "--pretty", "false"],
    { encoding: "utf8", cwd: dir },
  )
  const diags = parseDiagnostics(`${run.stdout}${run.stderr}`, dir)
  const global = diags.filter((d) => d.file === null || !d.file.endsWith(".tst.ts"))
  for (const f of fixtures) {
    const file = resolve(dir, f)
    const expected = readExpectations(readFileSync(file, "utf8"))
    const problems = [
      ...global.map((d) => `tsc: ${d.text}`),
      ...judge(
        expected,
        diags.filter((d) => d.file === file),
      ),
    ]
    results.push({ name: `${f} [ts${version}]`, ok: problems.length === 0, problems })
  }
}

for (const r of results) {
  console.log(`${r.ok ? "✓" : "✗"} ${r.name}`)
  for (const p of r.problems) console.log(`    ${p}`)
}
const passed = results.filter((r) => r.ok).length
const failed = results.length - passed
console.log(`typetest ${basename(dir)}: ${passed} passed, ${failed} failed`)
const report = resolve(values.report ?? ".reports/typetest.json")
mkdirSync(dirname(report), { recursive: true })
writeFileSync(report, JSON.stringify({ passed, failed, results }, null, 2))
process.exit(failed === 0 && results.length > 0 ? 0 : 1)
