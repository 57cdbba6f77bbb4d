// The package checks install from the registry inside a turbo task. Turbo's strict environment
// mode hands a task only the variables turbo.json lets through, so a machine that reaches the
// registry through a TLS-intercepting proxy (its CA certificate given by NODE_EXTRA_CA_CERTS or
// by npm's global config) lost those settings inside the task, and every fetch failed once the
// package cache was empty. This test rebuilds that machine in miniature: a registry on loopback
// whose certificate is signed by a private CA, an empty package cache, and a turbo task that asks
// the registry with `probeRegistry` — through the real turbo.json's pass-through list, and,
// to show the failure it fixes, through an empty one.
import { execFile, execFileSync } from "node:child_process"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createServer, type Server } from "node:https"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { root } from "../lib.mjs"

const work = mkdtempSync(join(tmpdir(), "mmguard-registry-"))
const file = (name: string) => join(work, name)

/** A private CA and a certificate for 127.0.0.1 signed by it, as a proxy's CA would sign. */
const makeCertificates = () => {
  const openssl = (...args: Array<string>) => execFileSync("openssl", args, { stdio: "pipe" })
  openssl(
    ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Probe CA"],
    ...["-keyout", file("ca.key"), "-out", file("ca.pem")],
  )
  openssl(
    ...["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1"],
    ...["-keyout", file("server.key"), "-out", file("server.csr")],
  )
  writeFileSync(file("san.ext"), "subjectAltName=IP:127.0.0.1\n")
  openssl(
    ...["x509", "-req", "-in", file("server.csr"), "-CA", file("ca.pem"), "-CAkey", file("ca.key")],
    ...["-CAcreateserial", "-days", "2", "-extfile", file("san.ext"), "-out", file("server.pem")],
  )
}

/** A registry serving one package, `effect`, at version 9.9.9. */
const startRegistry = (): Promise<Server> => {
  const server = createServer(
    {
      key: readFileSync(file("server.key")),
      // The chain a proxy presents: its certificate, then the CA that signed it.
      cert: readFileSync(file("server.pem")).toString() + readFileSync(file("ca.pem")).toString(),
    },
    (req, res) => {
      if (req.url?.replace(/^\/+/, "") !== "effect") {
        res.writeHead(404).end("{}")
        return
      }
      const base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`
      res.writeHead(200, { "content-type": "application/json" })
      res.end(
        JSON.stringify({
          name: "effect",
          "dist-tags": { latest: "9.9.9" },
          versions: {
            "9.9.9": {
              name: "effect",
              version: "9.9.9",
              dist: { tarball: `${base}/effect/-/effect-9.9.9.tgz`, shasum: "0".repeat(40) },
            },
          },
        }),
      )
    },
  )
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)))
}

/**
 * A one-package turbo workspace whose task `probe` asks the registry (with an empty package
 * cache each time), under turbo.json's `globalPassThroughEnv` as given.
 */
const makeWorkspace = (name: string, port: number, passThrough: ReadonlyArray<string>) => {
  const dir = file(name)
  mkdirSync(dir)
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({
      name: `probe-${name}`,
      private: true,
      packageManager: "npm@11.0.0",
      scripts: { probe: "node probe.mjs" },
    }),
  )
  writeFileSync(
    join(dir, "turbo.json"),
    JSON.stringify({ globalPassThroughEnv: passThrough, tasks: { probe: { cache: false } } }),
  )
  // The registry is the project's choice (its .npmrc); the CA is the machine's.
  writeFileSync(join(dir, ".npmrc"), `registry=https://127.0.0.1:${port}/\n`)
  const lib = pathToFileURL(join(root, "tools", "consumer-check", "lib.mjs")).href
  writeFileSync(
    join(dir, "probe.mjs"),
    [
      `import { mkdtempSync, rmSync } from "node:fs"`,
      `import { tmpdir } from "node:os"`,
      `import { join } from "node:path"`,
      `import { probeRegistry } from ${JSON.stringify(lib)}`,
      `const cache = mkdtempSync(join(tmpdir(), "mmguard-empty-cache-"))`,
      `const r = probeRegistry(process.cwd(), { cache, seconds: 40 })`,
      `rmSync(cache, { recursive: true, force: true })`,
      `console.log(r.ok ? "PROBE OK " + r.out.trim() : "PROBE FAILED " + r.out)`,
      `process.exit(r.ok ? 0 : 1)`,
    ].join("\n"),
  )
  return dir
}

const turbo = join(root, "node_modules", ".bin", "turbo")
/**
 * Runs the probe task with turbo in `dir`, with these variables on top of a clean env (not
 * blocking: the registry answers from this process).
 */
const runProbe = (
  dir: string,
  env: Record<string, string>,
): Promise<{ ok: boolean; out: string; seconds: number }> => {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^(npm_config_|NODE_EXTRA_CA_CERTS$|SSL_CERT_)/i.test(k),
    ),
  )
  const started = Date.now()
  return new Promise((resolve) =>
    execFile(
      turbo,
      ["run", "probe", "--output-logs=full", "--ui=stream"],
      { cwd: dir, encoding: "utf8", env: { ...inherited, TURBO_TELEMETRY_DISABLED: "1", ...env } },
      (error, stdout, stderr) =>
        resolve({ ok: !error, out: stdout + stderr, seconds: (Date.now() - started) / 1000 }),
    ),
  )
}

const realPassThrough: ReadonlyArray<string> = JSON.parse(
  readFileSync(join(root, "turbo.json"), "utf8"),
).globalPassThroughEnv
let server: Server
let port = 0
// npm's global and user config files: empty, so that only what a test sets configures npm.
const emptyConfig = () => {
  for (const f of ["global-empty.npmrc", "user-empty.npmrc"]) writeFileSync(file(f), "")
  return {
    npm_config_globalconfig: file("global-empty.npmrc"),
    npm_config_userconfig: file("user-empty.npmrc"),
  }
}

beforeAll(async () => {
  makeCertificates()
  server = await startRegistry()
  port = (server.address() as AddressInfo).port
})
afterAll(() => {
  server?.close()
  rmSync(work, { recursive: true, force: true })
})

describe("the package checks reach the registry with the machine's own TLS settings", () => {
  it("a turbo task that dropped NODE_EXTRA_CA_CERTS fails, quickly and saying why", async () => {
    const dir = makeWorkspace("strict", port, [])
    const r = await runProbe(dir, { NODE_EXTRA_CA_CERTS: file("ca.pem"), ...emptyConfig() })
    expect(r.ok).toBe(false)
    expect(r.out).toContain(`cannot reach the npm registry https://127.0.0.1:${port}/`)
    expect(r.out).toMatch(/SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE/)
    expect(r.out).toContain("NODE_EXTRA_CA_CERTS")
    expect(r.seconds).toBeLessThan(40)
  })

  it("with turbo.json's pass-through list, NODE_EXTRA_CA_CERTS reaches the task", async () => {
    const dir = makeWorkspace("ca-env", port, realPassThrough)
    const r = await runProbe(dir, { NODE_EXTRA_CA_CERTS: file("ca.pem"), ...emptyConfig() })
    expect(r.out).toContain("PROBE OK 9.9.9")
    expect(r.ok).toBe(true)
  })

  it("with turbo.json's pass-through list, npm's global config (its cafile) reaches the task", async () => {
    const dir = makeWorkspace("ca-npmrc", port, realPassThrough)
    writeFileSync(file("global.npmrc"), `cafile=${file("ca.pem")}\n`)
    const r = await runProbe(dir, {
      npm_config_globalconfig: file("global.npmrc"),
      npm_config_userconfig: emptyConfig().npm_config_userconfig,
    })
    expect(r.out).toContain("PROBE OK 9.9.9")
    expect(r.ok).toBe(true)
  })
})
