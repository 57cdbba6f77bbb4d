#!/usr/bin/env node
// `pnpm test`: everything CI runs — build, typecheck, lint, unit tests, type tests (turbo,
// cached) and the package checks — then one closing line `N passed, N failed` totalling them all.
// Unit and type tests count one per test; build, typecheck, lint and each package check count
// as one test each.
import { spawnSync } from "node:child_process"
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs"
import { join } from "node:path"

const root = join(import.meta.dirname, "..", "..")
const tally = { passed: 0, failed: 0 }
const count = (ok, n = 1) => {
  if (ok) tally.passed += n
  else tally.failed += n
}
const sh = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: process.env })

const workspaces = ["packages", "apps", "tools"].flatMap((group) =>
  readdirSync(join(root, group))
    .map((name) => join(root, group, name))
    .filter((dir) => existsSync(join(dir, "package.json"))),
)
for (const dir of workspaces) rmSync(join(dir, ".reports"), { recursive: true, force: true })

const summaryDir = join(root, ".turbo", "runs")
const before = new Set(existsSync(summaryDir) ? readdirSync(summaryDir) : [])
sh("pnpm", [
  "exec",
  "turbo",
  "run",
  "build",
  "typecheck",
  "test",
  "typetest",
  "lint",
  "lint:root",
  "consumer-check",
  "--continue",
  "--summarize",
])
const summaryFile = readdirSync(summaryDir)
  .filter((f) => !before.has(f))
  .map((f) => join(summaryDir, f))
  .sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs)
  .pop()
const summary = summaryFile ? JSON.parse(readFileSync(summaryFile, "utf8")) : { tasks: [] }
if (!summaryFile) count(false)

let hits = 0
for (const task of summary.tasks) {
  const ok = task.execution?.exitCode === 0
  if (task.cache?.status === "HIT") hits++
  const dir = join(root, task.directory)
  const report =
    task.task === "test"
      ? join(dir, ".reports", "vitest.json")
      : task.task === "typetest"
        ? join(dir, ".reports", "typetest.json")
        : task.task === "consumer-check"
          ? join(dir, ".reports", "check.json")
          : null
  if (report === null) {
    count(ok)
    continue
  }
  if (!existsSync(report)) {
    count(false)
    console.error(`test-all: ${task.taskId} left no report`)
    continue
  }
  const r = JSON.parse(readFileSync(report, "utf8"))
  const [passed, failed] =
    task.task === "test"
      ? [
          r.numPassedTests,
          r.numFailedTests +
            r.testResults.filter((f) => f.status === "failed" && f.assertionResults.length === 0)
              .length,
        ]
      : [r.passed, r.failed]
  count(true, passed)
  // A task that failed without a failing test (no tests found, a crash) still counts as one.
  count(false, failed > 0 || ok ? failed : 1)
}
console.log(`test-all: turbo ran ${summary.tasks.length} tasks, ${hits} from cache`)

console.log(`${tally.passed} passed, ${tally.failed} failed`)
process.exit(tally.failed === 0 ? 0 : 1)
