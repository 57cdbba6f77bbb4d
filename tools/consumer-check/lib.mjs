// Building blocks of `pnpm check:packages`: pack a workspace package, lint the tarball, and
// install tarballs into a throwaway consumer project outside the workspace.
import { spawnSync } from "node:child_process"
import { mkdtempSync, readdirSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

/** The workspace root, where the dev tools (publint, attw, tsc) are installed. */
export const root = join(import.meta.dirname, "..", "..")

/** Runs a command, capturing its output; never throws. */
export const run = (cmd, args, cwd) => {
  const p = spawnSync(cmd, args, { cwd, encoding: "utf8", env: process.env })
  return { ok: p.status === 0, out: `${p.stdout ?? ""}${p.stderr ?? ""}` }
}

/** Packs the package in `dir` with `pnpm pack` into a fresh temp folder; returns the tarball. */
export const pack = (dir) => {
  const dest = mkdtempSync(join(tmpdir(), "mmguard-pack-"))
  const r = run("pnpm", ["pack", "--pack-destination", dest], dir)
  const tgz = readdirSync(dest).find((f) => f.endsWith(".tgz"))
  return { ...r, ok: r.ok && tgz !== undefined, tarball: tgz ? join(dest, tgz) : "" }
}

/** publint on the package folder (packed the way pnpm packs it). */
export const publint = (dir) =>
  run("pnpm", ["exec", "publint", "run", dir, "--strict", "--pack", "pnpm"], root)

/** @arethetypeswrong/cli on a tarball, for an ESM-only package. */
export const attw = (tarball) =>
  run("pnpm", ["exec", "attw", tarball, "--profile", "esm-only", "--format", "ascii"], root)
