import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it, vi } from "vitest"
import { empty, load, reset, SAVE_VERSION, save, saveDir, solve } from "../src/save/progress.js"

// Records the order of fsync and rename calls the save module makes, passing them through.
const fsCalls = vi.hoisted((): Array<string> => [])
vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>()
  return {
    ...fs,
    fsyncSync: (fd: number) => {
      fsCalls.push("fsync")
      fs.fsyncSync(fd)
    },
    renameSync: (from: string, to: string) => {
      fsCalls.push(`rename ${from} -> ${to}`)
      fs.renameSync(from, to)
    },
  }
})

const dir = () => mkdtempSync(join(tmpdir(), "mmguard-save-"))

describe("progress on disk", () => {
  it("lives under XDG_CONFIG_HOME, else ~/.config", () => {
    expect(saveDir({ XDG_CONFIG_HOME: "/x" })).toBe("/x/mmguard")
    expect(saveDir({})).toMatch(/\.config\/mmguard$/)
  })

  it("round-trips, keeps the best stars, and leaves no temporary file", () => {
    const d = dir()
    save(d, solve(solve(empty, "a", 3), "a", 1))
    expect(load(d).progress.solved).toEqual({ a: 3 })
    expect(readdirSync(d)).toEqual(["progress.json"])
  })

  it("backs up a corrupt file and starts fresh, with a notice", () => {
    const d = dir()
    writeFileSync(join(d, "progress.json"), "{ not json")
    const r = load(d)
    expect(r.progress).toEqual(empty)
    expect(r.notice).toContain("could not be read")
    expect(readdirSync(d).some((f) => f.startsWith("progress.json.bak-"))).toBe(true)
  })

  it("backs up a file from a newer tutor instead of misreading it", () => {
    const d = dir()
    writeFileSync(
      join(d, "progress.json"),
      JSON.stringify({ version: SAVE_VERSION + 1, solved: {} }),
    )
    expect(load(d).notice).toContain("newer tutor")
    expect(existsSync(join(d, "progress.json"))).toBe(false)
  })

  it("drops entries of the wrong shape, keeps the valid ones, reports and backs up (issue 10)", () => {
    const d = dir()
    const original = JSON.stringify({
      solved: { "fault-light": { stars: "lots" }, "scheduler-1": 2, "too-many": 9 },
      last: "scheduler-1",
    })
    writeFileSync(join(d, "progress.json"), original)
    const r = load(d)
    expect(r.progress).toEqual({
      version: SAVE_VERSION,
      solved: { "scheduler-1": 2 },
      last: "scheduler-1",
    })
    expect(r.dropped).toHaveLength(2)
    expect(r.dropped[0]).toContain('solved["fault-light"]')
    expect(r.dropped[0]).toContain("Expected number")
    expect(r.dropped[1]).toContain("between 1 and 3")
    expect(r.notice).toContain("fault-light")
    const backup = readdirSync(d).find((f) => f.startsWith("progress.json.bak-"))
    expect(backup).toBeDefined()
    expect(readFileSync(join(d, backup ?? ""), "utf8")).toBe(original)
  })

  it("a valid save loads with no notice and is not moved", () => {
    const d = dir()
    save(d, solve(empty, "a", 2))
    const r = load(d)
    expect(r.notice).toBeUndefined()
    expect(r.dropped).toEqual([])
    expect(readdirSync(d)).toEqual(["progress.json"])
  })

  it("a save whose solved table is not a record could not be read", () => {
    const d = dir()
    writeFileSync(join(d, "progress.json"), JSON.stringify({ version: 1, solved: 3 }))
    const r = load(d)
    expect(r.progress).toEqual(empty)
    expect(r.notice).toContain("could not be read")
    expect(r.notice).toContain("solved")
  })

  it("writes durably: the temporary file is flushed, renamed, then the folder synced", () => {
    fsCalls.length = 0
    save(dir(), empty)
    expect(fsCalls.map((c) => c.split(" ")[0])).toEqual(["fsync", "rename", "fsync"])
    expect(fsCalls[1]).toMatch(/progress\.json\.tmp-\d+ -> .*progress\.json$/)
  })

  it("reset forgets everything", () => {
    const d = dir()
    save(d, solve(empty, "a", 2))
    reset(d)
    expect(load(d).progress).toEqual(empty)
    expect(readdirSync(d)).toEqual([])
  })
})
