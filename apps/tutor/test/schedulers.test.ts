import { describe, expect, it } from "vitest"
import type { SchedulerPuzzle } from "../src/engine/Puzzle.js"
import * as Game from "../src/engine/SchedulerGame.js"
import { puzzles } from "../src/puzzles/index.js"
import { winning } from "./support/search.js"

// Puzzles whose flawed path breaks even when the tasks run one after the other (an install
// that does not look for its VMA again): there the goal needs the right order, not a race.
const serialWins = new Set(["sched-fault-vs-munmap", "sched-truncate-vs-munmap"])

describe("scheduler puzzles: the goal is reachable, and not by running one task alone", () => {
  for (const p of puzzles.filter((x): x is SchedulerPuzzle => x.kind === "scheduler")) {
    it(p.id, () => {
      const win = winning(p)
      expect(win, `no schedule causes ${p.goal}`).toBeDefined()
      const g = Game.play(p, win ?? [])
      expect(Game.victory(p, g)?.kind).toBe(p.goal)
      // The kernel's correct version: no schedule at all causes the goal.
      expect(winning({ ...p, spec: p.fixed })).toBeUndefined()
      if (serialWins.has(p.id)) return
      // Running each task alone to its end (then the others) never wins: it takes a race.
      for (const first of p.spec.tasks.keys()) {
        let solo = Game.start(p)
        for (let i = 0; i < 200 && !Game.over(p, solo); i++) {
          const r = solo.world.runnable()
          solo = Game.stepTask(p, solo, r.includes(first) ? first : (r[0] ?? first))
        }
        expect(Game.victory(p, solo), `${p.id}: task ${first} first`).toBeUndefined()
      }
    })
  }
})
