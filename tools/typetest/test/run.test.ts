import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"

const runner = join(import.meta.dirname, "..", "run.mjs")
const run = (fixture: string) => {
  const dir = mkdtempSync(join(tmpdir(), "typetest-"))
  const report = join(dir, "r.json")
  const p = spawnSync(
    process.execPath,
    [runner, join(import.meta.dirname, "fixtures", fixture), "--report", report],
    { encoding: "utf8" },
  )
  const parsed = JSON.parse(readFileSync(report, "utf8"))
  rmSync(dir, { recursive: true, force: true })
  return { code: p.status, out: p.stdout, report: parsed }
}

describe("typetest runner", () => {
  it("passes fixtures whose expected errors happen, under TypeScript 6 and 7", () => {
    const r = run("good")
    expect(r.code).toBe(0)
    expect(r.report).toMatchObject({ passed: 4, failed: 0 })
  })

  it("fails a fixture whose expected message is wrong, and says what tsc printed", () => {
    const r = run("wrong-message")
    expect(r.code).toBe(1)
    expect(r.report.failed).toBe(2)
    expect(r.out).toContain('no error mentions "MmapWriteLockRequired"')
    expect(r.out).toContain("is not assignable to type 'number'")
  })

  it("fails a fixture with an error nobody expected", () => {
    const r = run("unexpected")
    expect(r.code).toBe(1)
    expect(r.out).toContain("unexpected TS2322")
  })
})
