/** Test helper: searches the scheduler game's schedules for a win (depth-first, states hashed). */
import type { SchedulerPuzzle } from "../../src/engine/Puzzle.js"
import * as Game from "../../src/engine/SchedulerGame.js"

/** A winning schedule of `p`, or undefined when none exists (throws if `budget` runs out). */
export const winning = (
  p: SchedulerPuzzle,
  budget = 1_000_000,
): ReadonlyArray<number> | undefined => {
  const seen = new Set<string>()
  const stack: Array<Game.SchedulerGame> = [Game.start(p)]
  let n = 0
  while (stack.length > 0 && n++ < budget) {
    const g = stack.pop() as Game.SchedulerGame
    if (Game.victory(p, g)) return g.schedule
    const key = `${g.world.fingerprint()}|${g.log.map((r) => `${r.task}${r.step.op}`).join()}`
    if (seen.has(key)) continue
    seen.add(key)
    for (const id of g.world.runnable()) stack.push(Game.stepTask(p, g, id))
  }
  if (stack.length > 0) throw new Error(`${p.id}: search budget of ${budget} states spent`)
  return undefined
}
