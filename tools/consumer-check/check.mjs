#!/usr/bin/env node
// `pnpm check:packages` (turbo task `consumer-check`, after the builds): proves @mmguard/core and @mmguard/sim work as published. Packs both
// with `pnpm pack`, runs publint and attw on them, then installs the tarballs (and their real
// dependencies from the registry) into throwaway projects OUTSIDE the workspace and type-checks
// and runs a consumer for each: core alone, sim alone, both together (the first two also run
// their package README's example as written); then installs the tutor's tarball the same way
// and runs its bin; then installs the CLI's tarball and runs `mmguard check` on example files.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { parseArgs } from "node:util"
import { checkCli } from "./cli-check.mjs"
import { appConsumer, attw, npmInstall, pack, probeRegistry, publint, root, run } from "./lib.mjs"

const { values } = parseArgs({ options: { report: { type: "string" } } })
const results = []
const record = (name, r) => {
  results.push({ name, ok: r.ok })
  console.log(`${r.ok ? "✓" : "✗"} ${name}`)
  if (!r.ok) console.log(r.out.replace(/^/gm, "    "))
  return r.ok
}

// The consumers install their dependencies from the registry: find out first, in seconds and
// with one clear message, whether it can be reached with this machine's configuration.
const cache = mkdtempSync(join(tmpdir(), "mmguard-npm-cache-"))
const reachable = record("npm registry reachable", probeRegistry(root, { cache }))
rmSync(cache, { recursive: true, force: true })
const install = (dir) =>
  reachable ? npmInstall(dir) : { ok: false, out: "skipped: the npm registry cannot be reached" }

const tarballs = {}
for (const [name, dir] of [
  ["@mmguard/core", "packages/core"],
  ["@mmguard/sim", "packages/sim"],
]) {
  const packed = pack(join(root, dir))
  if (!record(`pack ${name}`, packed)) continue
  tarballs[name] = packed.tarball
  record(`publint ${name}`, publint(join(root, dir)))
  record(`attw ${name}`, attw(packed.tarball))
}

const tsc = join(root, "node_modules", "typescript", "bin", "tsc")
const consumers = {
  core: ["@mmguard/core"],
  sim: ["@mmguard/sim"],
  both: ["@mmguard/core", "@mmguard/sim"],
}
// The example of a package's README runs as written in the consumer of that package alone.
const readmeOf = { core: "packages/core/README.md", sim: "packages/sim/README.md" }
const example = (readme) =>
  /```ts\n([\s\S]*?)```/.exec(readFileSync(join(root, readme), "utf8"))?.[1]
for (const [consumer, deps] of Object.entries(consumers)) {
  if (!deps.every((d) => tarballs[d]) || !tarballs["@mmguard/core"]) {
    record(`consumer ${consumer}`, { ok: false, out: "a tarball is missing" })
    continue
  }
  const dir = mkdtempSync(join(tmpdir(), `mmguard-consumer-${consumer}-`))
  cpSync(join(import.meta.dirname, "consumers", consumer), dir, { recursive: true })
  const file = (t) => `file:${t}`
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({
      name: `consumer-${consumer}`,
      private: true,
      type: "module",
      dependencies: {
        ...Object.fromEntries(deps.map((d) => [d, file(tarballs[d])])),
        // The Effect user code imports effect itself, as a real user would declare it.
        ...(consumer === "sim" ? {} : { effect: "4.1.0" }),
      },
      // sim depends on @mmguard/core, which the registry does not serve: point it at our tarball.
      overrides: { "@mmguard/core": file(tarballs["@mmguard/core"]) },
    }),
  )
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "es2023",
        module: "nodenext",
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        allowImportingTsExtensions: true,
        types: [],
      },
      include: ["*.ts"],
    }),
  )
  const readme = readmeOf[consumer] && example(readmeOf[consumer])
  if (readme) writeFileSync(join(dir, "readme.ts"), readme)
  const ok =
    record(`consumer ${consumer}: npm install`, install(dir)) &&
    record(`consumer ${consumer}: tsc`, run(process.execPath, [tsc, "-p", dir], dir)) &&
    record(`consumer ${consumer}: run`, run(process.execPath, [join(dir, "index.ts")], dir)) &&
    (!readme ||
      record(
        `consumer ${consumer}: README example runs`,
        run(process.execPath, [join(dir, "readme.ts")], dir),
      ))
  if (ok) rmSync(dir, { recursive: true, force: true })
}

// The game from its packed tarball, as `npx @mmguard/tutor` would install it: the bin runs.
const tutor = pack(join(root, "apps", "tutor"))
if (record("pack @mmguard/tutor", tutor) && tarballs["@mmguard/core"] && tarballs["@mmguard/sim"]) {
  const dir = appConsumer("tutor", "@mmguard/tutor", tutor.tarball, tarballs)
  const installed = record("tutor tarball: npm install", install(dir))
  const version =
    installed &&
    run("npx", ["--no-install", "mmguard-tutor", "--version"], dir, {
      seconds: 60,
      what: "the tutor's bin",
    })
  const ok =
    installed &&
    record("tutor tarball: the bin runs (--version)", {
      ok: version.ok && /^\d+\.\d+\.\d+$/m.test(version.out),
      out: version.out,
    })
  if (ok) rmSync(dir, { recursive: true, force: true })
  rmSync(dirname(tutor.tarball), { recursive: true, force: true })
}

// The `mmguard` command from its packed tarball: it checks the CLI's example files as a user
// would, with the typescript, @mmguard/core and effect it installs itself (cli-check.mjs).
checkCli(tarballs, record, install)

for (const tarball of Object.values(tarballs))
  rmSync(dirname(tarball), { recursive: true, force: true })
const passed = results.filter((r) => r.ok).length
const failed = results.length - passed
console.log(`check:packages: ${passed} passed, ${failed} failed`)
if (values.report) {
  const report = resolve(root, values.report)
  mkdirSync(dirname(report), { recursive: true })
  writeFileSync(report, JSON.stringify({ passed, failed, results }, null, 2))
}
process.exit(failed === 0 ? 0 : 1)
