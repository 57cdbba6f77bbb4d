import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { fileOf, judgeType } from "../src/engine/judgeType.js"
import type { TypePuzzle } from "../src/engine/Puzzle.js"
import { prepareProject, runTsc } from "../src/engine/tsc.js"
import { types } from "../src/puzzles/types.js"

// Every puzzle's start and reference solution, each in its own file, checked by one tsc run
// per side (one run per puzzle would take minutes).
const dir = mkdtempSync(join(tmpdir(), "mmguard-types-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const check = async (side: "start" | "solution") => {
  const files = types.map((p) => `${side}-${p.id}.ts`)
  types.forEach((p, i) => {
    writeFileSync(join(dir, files[i] as string), fileOf(p, p[side]))
  })
  prepareProject(dir, files)
  const found = await runTsc(dir)
  return (p: TypePuzzle) => found.filter((d) => d.file === `${side}-${p.id}.ts`)
}

describe("type puzzles: the real tsc rejects every start and accepts every solution", () => {
  it("starts fail with the error the puzzle is about; solutions compile", async () => {
    const starts = await check("start")
    // The error names the missing lock, the rule broken, or the case left out.
    const named = /LockRequired<"|\b[LFPOV]\d+: |'on(Fallback|Failed)'|Expected 3 arguments/
    for (const p of types)
      expect(
        starts(p)
          .map((d) => d.text)
          .join("\n"),
        `${p.id}: the start must fail naming what is missing`,
      ).toMatch(named)
    const solutions = await check("solution")
    for (const p of types)
      expect(
        solutions(p).map((d) => d.text),
        `${p.id}: the solution must compile`,
      ).toEqual([])
  })

  it("judges a program the player wrote, with tsc's diagnostics in full and lines of the program", async () => {
    const p = types.find((x) => x.id === "type-vma-start-write") as TypePuzzle
    const wrong = await judgeType(p, p.start)
    expect(wrong.solved).toBe(false)
    expect(wrong.diagnostics.join("\n")).toMatch(
      /^line \d+:\d+: error TS\d+: [\s\S]*MmapWriteLock/m,
    )
    const right = await judgeType(p, p.solution)
    expect(right).toEqual({ solved: true, diagnostics: [] })
  })
})
