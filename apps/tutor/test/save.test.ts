import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { empty, load, reset, SAVE_VERSION, save, saveDir, solve } from "../src/save/progress.js"

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

  it("reset forgets everything", () => {
    const d = dir()
    save(d, solve(empty, "a", 2))
    reset(d)
    expect(load(d).progress).toEqual(empty)
    expect(readdirSync(d)).toEqual([])
  })
})
