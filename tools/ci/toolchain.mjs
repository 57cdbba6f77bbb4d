#!/usr/bin/env node
// `node tools/ci/toolchain.mjs CMD [ARGS...]`: runs CMD with Node >= 22 first on PATH. On an
// older Node (a machine with Node 20, say) it first sources bootstrap.sh, which installs the
// pinned Node from the npm registry into a cache folder (as `.ci/run` does) and points npm at
// the machine's own npm configuration; the root `pnpm start` and `pnpm test` go through here.
import { spawnSync } from "node:child_process"
import { join } from "node:path"

const [cmd, ...args] = process.argv.slice(2)
if (cmd === undefined) {
  console.error("usage: node tools/ci/toolchain.mjs CMD [ARGS...]")
  process.exit(2)
}
let env = process.env
if (Number(process.versions.node.split(".")[0]) < 22) {
  const bootstrap = join(import.meta.dirname, "bootstrap.sh")
  const probe = spawnSync(
    "bash",
    [
      "-c",
      `source "$1" >&2 && node -p 'JSON.stringify({PATH: process.env.PATH, npm_config_globalconfig: process.env.npm_config_globalconfig})'`,
      "bootstrap",
      bootstrap,
    ],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  )
  if (probe.status !== 0) {
    console.error(`toolchain: Node ${process.versions.node} is too old and bootstrap.sh failed`)
    process.exit(1)
  }
  env = { ...process.env, ...JSON.parse(probe.stdout) }
}
const r = spawnSync(cmd, args, { stdio: "inherit", env })
if (r.error) {
  console.error(`toolchain: cannot run ${cmd}: ${r.error.message}`)
  process.exit(1)
}
process.exit(r.status ?? 1)
