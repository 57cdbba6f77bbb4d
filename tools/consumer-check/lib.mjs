// Building blocks of `pnpm check:packages`: pack a workspace package, lint the tarball, and
// install tarballs into a throwaway consumer project outside the workspace.
import { spawnSync } from "node:child_process"
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

/** The workspace root, where the dev tools (publint, attw, tsc) are installed. */
export const root = join(import.meta.dirname, "..", "..")

/**
 * Runs a command, capturing its output; never throws. With `limit`, the command is killed after
 * `limit.seconds` and the result says what it was waiting for.
 */
export const run = (cmd, args, cwd, limit, env = process.env) => {
  const timeout = limit ? limit.seconds * 1000 : undefined
  const p = spawnSync(cmd, args, { cwd, encoding: "utf8", env, timeout, killSignal: "SIGKILL" })
  const out = `${p.stdout ?? ""}${p.stderr ?? ""}`
  if (limit && p.error?.code === "ETIMEDOUT")
    return {
      ok: false,
      out: `timed out after ${limit.seconds} s waiting for ${limit.what}\n${out}`,
    }
  return { ok: p.status === 0, out, stdout: p.stdout ?? "" }
}

// npm's own network bounds, so that one unreachable registry fails in seconds rather than after
// minutes of retries; the whole command is bounded too (see `run`).
const npmNetwork = [
  "--fetch-timeout=30000",
  "--fetch-retries=1",
  "--fetch-retry-mintimeout=1000",
  "--fetch-retry-maxtimeout=5000",
]

/** The registry npm uses in `cwd`, as the machine's and the project's npm config set it. */
export const registryOf = (cwd, env = process.env) =>
  run(
    "npm",
    ["config", "get", "registry"],
    cwd,
    { seconds: 30, what: "npm config" },
    env,
  ).stdout.trim()

/**
 * Asks the registry for package `pkg` with npm as configured on this machine, from an empty
 * package cache (so no cached metadata can hide a registry that cannot be reached). On failure,
 * the message names the registry, npm's error and where TLS settings for a proxy go.
 */
export const probeRegistry = (cwd, { pkg = "effect", cache, seconds = 60, env = process.env }) => {
  const registry = registryOf(cwd, env)
  const what = `the npm registry ${registry}`
  const r = run(
    "npm",
    ["view", pkg, "version", "--cache", cache, "--prefer-online", ...npmNetwork],
    cwd,
    { seconds, what },
    env,
  )
  if (r.ok) return r
  const reason = /npm error (?:code )?([A-Z_]+)/.exec(r.out)?.[1] ?? r.out.trim().split("\n")[0]
  return {
    ok: false,
    out:
      `cannot reach ${what} (${reason}). Behind a TLS-intercepting proxy, give its CA ` +
      "certificate with NODE_EXTRA_CA_CERTS or npm's cafile setting; proxies with " +
      `HTTPS_PROXY or npm's proxy settings.\n${r.out}`,
  }
}

/** `npm install` in `cwd` with npm's configuration and bounded network waits. */
export const npmInstall = (cwd, seconds = 600) =>
  run(
    "npm",
    ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", ...npmNetwork],
    cwd,
    { seconds, what: `npm install in ${cwd} (the npm registry)` },
  )

/** Packs the package in `dir` with `pnpm pack` into a fresh temp folder; returns the tarball. */
export const pack = (dir) => {
  const dest = mkdtempSync(join(tmpdir(), "mmguard-pack-"))
  const r = run("pnpm", ["pack", "--pack-destination", dest], dir)
  const tgz = readdirSync(dest).find((f) => f.endsWith(".tgz"))
  return { ...r, ok: r.ok && tgz !== undefined, tarball: tgz ? join(dest, tgz) : "" }
}

/**
 * A throwaway project outside the workspace that installs app `pkg` from its `tarball`, with
 * @mmguard/core and @mmguard/sim overridden by ours from `tarballs` (the registry lacks them).
 * Returns its folder.
 */
export const appConsumer = (name, pkg, tarball, tarballs) => {
  const dir = mkdtempSync(join(tmpdir(), `mmguard-consumer-${name}-`))
  const file = (t) => `file:${t}`
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({
      name: `consumer-${name}`,
      private: true,
      dependencies: { [pkg]: file(tarball) },
      overrides: {
        "@mmguard/core": file(tarballs["@mmguard/core"]),
        "@mmguard/sim": file(tarballs["@mmguard/sim"]),
      },
    }),
  )
  return dir
}

/** publint on the package folder (packed the way pnpm packs it). */
export const publint = (dir) =>
  run("pnpm", ["exec", "publint", "run", dir, "--strict", "--pack", "pnpm"], root)

/** @arethetypeswrong/cli on a tarball, for an ESM-only package. */
export const attw = (tarball) =>
  run("pnpm", ["exec", "attw", tarball, "--profile", "esm-only", "--format", "ascii"], root)
