#!/usr/bin/env node
// `pnpm bench`: builds the workspace, runs every `bench/*.bench.ts` of every workspace package
// in a process of its own (Node strips the types), and writes bench-results.json at the root:
// an array of { name, value, unit, baseline?, ratio? }. A bench file reports each result as a
// stdout line `BENCH {"name":"<package>.<measure>","value":…,"unit":…,"baseline"?:…}`; the
// ratio is value / baseline, computed here.
import { spawnSync } from "node:child_process"
import { existsSync, readdirSync, writeFileSync } from "node:fs"
import { join, relative } from "node:path"

const root = join(import.meta.dirname, "..", "..")
const build = spawnSync("pnpm", ["exec", "turbo", "run", "build", "--output-logs=errors-only"], {
  cwd: root,
  stdio: "inherit",
})
if (build.status !== 0) process.exit(build.status ?? 1)

const filter = process.argv[2]
const files = ["packages", "apps", "tools"]
  .flatMap((group) => readdirSync(join(root, group)).map((name) => join(root, group, name)))
  .filter((dir) => existsSync(join(dir, "bench")))
  .flatMap((dir) =>
    readdirSync(join(dir, "bench"))
      .filter((f) => f.endsWith(".bench.ts"))
      .map((f) => ({ dir, file: join(dir, "bench", f) })),
  )
  .filter(({ file }) => filter === undefined || file.includes(filter))

const results = []
let failures = 0
for (const { dir, file } of files) {
  console.log(`bench: ${relative(root, file)}`)
  const p = spawnSync(process.execPath, ["--expose-gc", file], { cwd: dir, encoding: "utf8" })
  process.stderr.write(p.stderr)
  if (p.status !== 0) {
    failures++
    console.error(`bench: ${relative(root, file)} exited with ${p.status}`)
  }
  for (const line of p.stdout.split("\n")) {
    if (!line.startsWith("BENCH ")) continue
    const r = JSON.parse(line.slice("BENCH ".length))
    if (typeof r.baseline === "number" && r.baseline !== 0) r.ratio = r.value / r.baseline
    results.push(r)
    const base =
      r.baseline === undefined ? "" : `  baseline ${fmt(r.baseline)}  ratio ${fmt(r.ratio)}`
    console.log(`  ${r.name.padEnd(24)} ${fmt(r.value)} ${r.unit}${base}`)
  }
}
function fmt(n) {
  return typeof n === "number" ? Number(n.toPrecision(4)).toLocaleString("en-US") : String(n)
}
writeFileSync(join(root, "bench-results.json"), `${JSON.stringify(results, null, 2)}\n`)
console.log(`bench: ${results.length} results from ${files.length} files in bench-results.json`)
process.exit(failures === 0 ? 0 : 1)
