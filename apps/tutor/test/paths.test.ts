import { Program } from "@mmguard/sim"
import { describe, expect, it } from "vitest"
import type { SchedulerPuzzle } from "../src/engine/Puzzle.js"
import * as Game from "../src/engine/SchedulerGame.js"
import { puzzles } from "../src/puzzles/index.js"
import { libraryTask, libraryWorld, MissingLibraryTask } from "../src/puzzles/paths.js"
import { winning } from "./support/search.js"

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
    const lines = p?.spec.tasks.flatMap((t) => t.program.map((s) => Program.show(s))) ?? []
    expect(lines).toContain("lock_read anon_vma(512)")
    expect(lines.some((l) => l.startsWith("anon_vma_interval_tree_foreach("))).toBe(true)
    expect(lines.some((l) => l.startsWith("pte_offset_map_lock(600)"))).toBe(true)
  })

  it("ptdump's walk overlapping munmap's teardown is a stale table; after the free it is not", () => {
    const p = puzzles.find((x): x is SchedulerPuzzle => x.id === "sched-debug-walk")
    if (p === undefined) return expect.fail("no sched-debug-walk")
    const win = winning(p) ?? []
    expect(Game.victory(p, Game.play(p, win))?.detail).toMatch(/walks the tables of \[0, 16384\)/)
    // munmap (task 0) to its end first, then the walk: nothing to observe.
    const serial = [...Array<number>(40).fill(0), ...Array<number>(10).fill(1)]
    let g = Game.start(p)
    for (const t of serial)
      if (!Game.over(p, g) && g.world.runnable().includes(t)) g = Game.stepTask(p, g, t)
    expect(Game.victory(p, g)).toBeUndefined()
  })
})
