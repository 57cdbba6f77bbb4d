import { spawnSync } from "node:child_process"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { chapters, puzzles } from "../src/puzzles/index.js"

const cli = join(import.meta.dirname, "..", "dist", "cli.js")
const run = (...args: Array<string>) =>
  spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] })

describe("command line", () => {
  it("--help explains the flags and where progress is saved", () => {
    const r = run("--help")
    expect(r.status).toBe(0)
    expect(r.stdout).toContain("--reset")
    expect(r.stdout).toContain("XDG_CONFIG_HOME")
  })

  it("--version prints the package version", () => {
    expect(run("--version").stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/)
  })

  it("without a terminal it says why and exits non-zero", () => {
    const r = run()
    expect(r.status).toBe(2)
    expect(r.stderr).toContain("run it in a terminal")
  })
  it("an unknown flag is an error with usage on stderr and exit code 2", () => {
    const r = run("--frobnicate")
    expect(r.status).toBe(2)
    expect(r.stderr).toContain("--frobnicate")
    expect(r.stderr).toContain("Usage: mmguard-tutor")
    expect(r.stdout).toBe("")
  })

  it("a stray argument is a usage error too", () => {
    const r = run("extra")
    expect(r.status).toBe(2)
    expect(r.stderr).toContain("Usage: mmguard-tutor")
    expect(run("workshop", "a", "b").status).toBe(2)
    expect(run("workshop", "--list").status).toBe(2)
  })

  it("--list --json prints every puzzle with its kind, chapter and rules, without a terminal", () => {
    const r = run("--list", "--json")
    expect(r.status).toBe(0)
    const list = JSON.parse(r.stdout) as Array<Record<string, unknown>>
    // id, kind, chapter (and its title), title and rules of every puzzle, as the game holds them.
    expect(list).toEqual(
      puzzles.map((p) => ({
        id: p.id,
        kind: p.kind,
        chapter: p.chapter,
        chapterTitle: chapters.find((c) => c.id === p.chapter)?.title,
        title: p.title,
        rules: p.rules,
      })),
    )
    for (const p of puzzles) expect(p.rules.length, p.id).toBeGreaterThan(0)
  })

  it("--list prints one line per puzzle; --json alone is a usage error", () => {
    const r = run("--list")
    expect(r.status).toBe(0)
    expect(r.stdout.trim().split("\n")).toHaveLength(puzzles.length)
    expect(run("--json").status).toBe(2)
  })
})
