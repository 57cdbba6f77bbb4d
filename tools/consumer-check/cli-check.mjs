// `mmguard` as a user installs it: pack @mmguard/cli, install the tarball (core and sim from our
// tarballs) outside the workspace, and run its bin on the CLI's fixture files: a race exits 1
// with a schedule, a safe pair exits 0, a missing lock exits 2 naming the clause; and the
// README's example file finds the race it promises.
import { spawnSync } from "node:child_process"
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { appConsumer, pack, root } from "./lib.mjs"

/**
 * Runs the checks, recording each with `record(name, { ok, out })`; true when all passed.
 * `install(dir)` installs a consumer's dependencies (check.mjs's bounded `npmInstall`, skipped
 * when the registry cannot be reached).
 */
export const checkCli = (tarballs, record, install) => {
  const cli = pack(join(root, "apps", "cli"))
  if (!record("pack @mmguard/cli", cli)) return false
  if (!tarballs["@mmguard/core"] || !tarballs["@mmguard/sim"]) {
    record("cli tarball: install", { ok: false, out: "a tarball is missing" })
    return false
  }
  const dir = appConsumer("cli", "@mmguard/cli", cli.tarball, tarballs)
  const examples = join(root, "apps", "cli", "examples")
  for (const f of ["race.ts", "safe.ts", "missing-lock.ts"])
    cpSync(join(examples, f), join(dir, "examples", f))
  // The README's example file, as written.
  const readme = /```ts\n([\s\S]*?)```/.exec(
    readFileSync(join(root, "apps", "cli", "README.md"), "utf8"),
  )
  writeFileSync(join(dir, "examples", "readme.ts"), readme?.[1] ?? "")
  let ok = record("cli tarball: npm install", install(dir))
  const mmguard = (...args) => {
    const p = spawnSync("npx", ["--no-install", "mmguard", ...args], {
      cwd: dir,
      encoding: "utf8",
      timeout: 300_000,
      killSignal: "SIGKILL",
    })
    const error = p.error ? `${p.error.message}\n` : ""
    return { status: p.status, out: `${error}${p.stdout ?? ""}${p.stderr ?? ""}` }
  }
  const expect = (name, r, status, pattern) =>
    record(name, {
      ok: r.status === status && pattern.test(r.out),
      out: `exit ${r.status}\n${r.out}`,
    })
  const checks = [
    ["a race exits 1 with its schedule", "race.ts", 1, /violation of O3[\s\S]*replay: \[/],
    ["a safe pair exits 0", "safe.ts", 0, /^safe:/],
    ["a missing lock exits 2 naming the clause", "missing-lock.ts", 2, /MmapWriteOrDetached/],
    ["the README example finds its race", "readme.ts", 1, /violation of O3/],
  ]
  if (ok)
    for (const [name, example, status, pattern] of checks)
      ok =
        expect(`cli tarball: ${name}`, mmguard("check", `examples/${example}`), status, pattern) &&
        ok
  if (ok) rmSync(dir, { recursive: true, force: true })
  rmSync(dirname(cli.tarball), { recursive: true, force: true })
  return ok
}
