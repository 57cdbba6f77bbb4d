import { spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Catalogue } from "@mmguard/core"
import { Compile, replay, Scenarios } from "@mmguard/sim"
import { describe, expect, it } from "vitest"
import type { CheckReport } from "../src/Report.js"

const cli = join(import.meta.dirname, "..", "dist", "cli.js")
const fixture = (name: string) => join(import.meta.dirname, "fixtures", name)
const example = (name: string) => join(import.meta.dirname, "..", "examples", name)
/** The 1-based line of example `name` that contains `text`. */
const lineOf = (name: string, text: string) =>
  1 +
  readFileSync(example(name), "utf8")
    .split("\n")
    .findIndex((l) => l.includes(text))
const run = (...args: Array<string>) =>
  spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", cwd: import.meta.dirname })
const json = (...args: Array<string>) => JSON.parse(run(...args, "--json").stdout) as CheckReport

describe("mmguard check", () => {
  it("a pair of paths with a race: exit 1, the rule, a swimlane with source lines", () => {
    const r = run("check", example("race.ts"))
    expect(r.status).toBe(1)
    expect(r.stdout).toContain("violation of O3 (deadlock)")
    expect(r.stdout).toMatch(/merge\s+│ split/)
    const line = lineOf("race.ts", "anonVmaLockWrite(outer, ")
    expect(r.stdout).toMatch(
      new RegExp(`lock_write anon_vma\\(8192\\) \\(waits\\)\\s+race\\.ts:${line}`),
    )
  })

  it("the reported schedule replays to the same violation", async () => {
    const report = json("check", example("race.ts"))
    const { paths } = await import("../examples/race.js")
    const tasks = Object.entries(paths).map(([name, program]) => {
      const c = Compile.compile(program, { name, mms: Scenarios.layout })
      if (c instanceof Compile.CompileError) throw new Error(c.message)
      return c.task
    })
    const w = replay({ mms: Scenarios.layout, tasks }, report.exploration?.schedule ?? [])
    expect(report.exploration?.violation?.rule).toBe("O3")
    expect(w.violations[0]?.kind).toBe("deadlock")
    expect(w.violations[0]?.message).toBe(report.exploration?.violation?.message)
  })

  it("a safe pair: exit 0", () => {
    const r = run("check", example("safe.ts"))
    expect(r.stdout).toMatch(/^safe: fault, mprotect in every interleaving/)
    expect(r.status).toBe(0)
  })

  it("a missing lock: exit 2, the clause in kernel words at the line that needs it", () => {
    const r = run("check", example("missing-lock.ts"))
    const line = lineOf("missing-lock.ts", "freePgtables(lock, start, end)")
    expect(r.status).toBe(2)
    expect(r.stdout).toMatch(
      new RegExp(
        `examples/missing-lock\\.ts:${line}: path "munmap" needs the mmap write lock, .* on mm "proc" \\[MmapWriteOrDetached\\]`,
      ),
    )
    expect(r.stdout).toMatch(/freePgtables\(512, 1024\): .* is still attached/)
  })

  it('a "must not hold" rule broken at compile time: exit 2, the rule spelt out', () => {
    const r = run("check", fixture("l9.ts"))
    expect(r.status).toBe(2)
    expect(r.stdout).toContain(
      'fixtures/l9.ts:9: path "fault" breaks L9: never take the mmap lock of proc while holding a VMA read lock of it',
    )
    expect(r.stdout).toMatch(/sim, running "fault" alone: lock_read mmap: L9/)
  })

  it("other type errors are reported as tsc says them; a path that is no program at `paths`", () => {
    const r = run("check", fixture("typo.ts"))
    expect(r.status).toBe(2)
    expect(r.stdout).toContain("fixtures/typo.ts:5:7: error TS2322")
    expect(r.stdout).toMatch(/fixtures\/typo\.ts:6: path "count": .*not a core program/)
  })

  it("--against adds library scenarios; --arch picks the architecture", () => {
    const r = json("check", example("safe.ts"), "--against", "munmap", "--arch", "arm64-4k-39")
    expect(r.verdict).toBe("safe")
    expect(r.exploration?.arch).toBe("arm64 4K/39")
    expect(r.exploration?.tasks.map((t) => t.name)).toEqual(["fault", "mprotect", "munmap"])
  })

  it("--max-states bounds the search: inconclusive, exit 3", () => {
    const r = run("check", example("race.ts"), "--max-states", "3")
    expect(r.status).toBe(3)
    expect(r.stdout).toContain("inconclusive")
  })

  it("--svg draws the swimlane", () => {
    const out = join(mkdtempSync(join(tmpdir(), "mmguard-svg-")), "race.svg")
    expect(run("check", example("race.ts"), "--svg", out).status).toBe(1)
    const svg = readFileSync(out, "utf8")
    expect(svg).toMatch(/^<svg /)
    expect(svg).toContain(`race.ts:${lineOf("race.ts", "anonVmaLockWrite(outer, ")}`)
    expect(svg).toContain("violation of O3")
  })

  it("--progress reports on stderr when the exploration takes longer than a second", () => {
    // A budget no loaded machine runs out of: the verdict must be "safe", not "budget".
    const args = [
      "check",
      example("safe.ts"),
      "--against",
      // Four tasks: about 13k states (with page-fault too, over the default 200k states).
      "munmap,khugepaged",
      "--max-seconds",
      "300",
    ]
    const r = run(...args, "--progress", "--json")
    const report = JSON.parse(r.stdout) as CheckReport
    expect(report.verdict).toBe("safe")
    // The line comes after a second of exploring; around that mark either is right.
    const millis = report.exploration?.millis ?? 0
    if (millis > 1500) expect(r.stderr).toMatch(/exploring: \d+ states/)
    if (millis < 900) expect(r.stderr).not.toContain("exploring:")
    // Without a terminal and without --progress: nothing on stderr.
    expect(run(...args).stderr).toBe("")
  }, 600_000)
})

describe("bad input exits 2 with a clear message", () => {
  const cases: Array<[string, Array<string>, string]> = [
    ["an unknown flag (with usage)", ["check", example("safe.ts"), "--frobnicate"], "Usage:"],
    ["an unreadable file", ["check", fixture("missing.ts")], "cannot read"],
    ["no paths export", ["check", fixture("no-paths.ts")], "no `paths` export"],
    [
      "an unknown scenario",
      ["check", example("safe.ts"), "--against", "nope"],
      'unknown scenario "nope"',
    ],
    [
      "an unknown architecture",
      ["check", example("safe.ts"), "--arch", "vax"],
      'unknown architecture "vax"',
    ],
    ["a malformed world", ["check", fixture("bad-world.ts")], "`world` export is malformed"],
    ["a bad budget", ["check", example("safe.ts"), "--max-states", "0"], "--max-states wants"],
    ["an unknown rule", ["explain", "Z9"], 'unknown rule "Z9"'],
    ["an unknown command", ["frob"], 'unknown command "frob"'],
  ]
  for (const [what, args, message] of cases)
    it(what, () => {
      const r = run(...args)
      expect(r.status).toBe(2)
      expect(r.stderr).toContain(message)
      expect(r.stdout).toBe("")
    })
})

describe("--json", () => {
  it("bad input is a JSON verdict on stdout too, and still exits 2", () => {
    const r = run("check", example("safe.ts"), "--against", "nope", "--json")
    expect(r.status).toBe(2)
    expect(JSON.parse(r.stdout)).toMatchObject({ verdict: "bad-input" })
    expect(JSON.parse(r.stdout).message).toContain('unknown scenario "nope"')
  })

  it("a missing lock lists the path and its clauses", () => {
    const r = json("check", example("missing-lock.ts"))
    expect(r.verdict).toBe("type-errors")
    expect(r.typeErrors[0]).toMatchObject({
      path: "munmap",
      missing: [{ clause: "MmapWriteOrDetached", mm: "proc" }],
    })
    expect(r.located[0]).toMatchObject({ path: "munmap", rule: "P7" })
  })
})

describe("mmguard rules and explain", () => {
  it("rules lists every row of core's table", () => {
    const r = run("rules")
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^P3 .*install a page table entry/m)
    expect(r.stdout).toMatch(/^O1 .*mmap_lock/m)
    // Every rule of the catalogue is listed, also those no row of the table checks (F6), and
    // revision 2's are marked.
    for (const id of Catalogue.Ids) expect(r.stdout).toMatch(new RegExp(`^${id}\\*? `, "m"))
    expect(r.stdout).toMatch(/^L11\* .*interrupted/m)
    expect(r.stdout).toMatch(/^F6 +swap_readahead_info/m)
  })

  it("explain shows where core types the rule and which scenarios catch it", () => {
    const r = run("explain", "P3")
    expect(r.status).toBe(0)
    expect(r.stdout).toContain("MmapOrVmaLock")
    expect(r.stdout).toContain("installPte")
    expect(r.stdout).toContain("truncate/install-under-rmap")
    expect(r.stdout.split("\n")[0]).toBe(`P3 ${Catalogue.summary("P3")}`)
  })

  it("the built bin exists", () => {
    expect(existsSync(cli)).toBe(true)
  })
})
