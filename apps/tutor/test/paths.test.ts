import { describe, expect, it } from "vitest"
import type { SchedulerPuzzle } from "../src/engine/Puzzle.js"
import { puzzles } from "../src/puzzles/index.js"
import { libraryTask, libraryWorld, MissingLibraryTask } from "../src/puzzles/paths.js"

describe("the kernel paths of the scheduler puzzles", () => {
  it("a library task or world the library lacks is a tagged MissingLibraryTask", () => {
    expect(() => libraryTask("page-fault", "no-such-task")).toThrow(MissingLibraryTask)
    expect(() => libraryTask("no-such-scenario", "fault")).toThrow(MissingLibraryTask)
    expect(() => libraryWorld("page-fault", "no-such-variant")).toThrow(MissingLibraryTask)
    expect(libraryTask("page-fault", "fault").name).toBe("fault")
  })

  it("every scheduler puzzle's worlds build: each library task it names exists", () => {
    const schedulers = puzzles.filter((p): p is SchedulerPuzzle => p.kind === "scheduler")
    for (const p of schedulers) {
      expect(p.spec.tasks.length, p.id).toBeGreaterThan(1)
      expect(p.fixed.tasks.length, p.id).toBeGreaterThan(1)
    }
  })

  it("programs show as kernel-named lines", () => {
    const p = puzzles.find((x): x is SchedulerPuzzle => x.id === "sched-memory-failure")
    const ops = p?.spec.tasks.flatMap((t) => t.program.map((s) => s.op)) ?? []
    expect(ops).toContain("rmapWalk")
    expect(ops).toContain("pteOffsetMapLock")
  })
})
