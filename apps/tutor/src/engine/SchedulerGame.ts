/**
 * The scheduler game: the player picks which task steps next; sim's checker declares victory
 * when it reports the flaw the scenario variant is known for. The winning trace replays.
 */
import { replay, type Violation, World } from "@mmguard/sim"
import type { SchedulerPuzzle } from "./Puzzle.js"

/** The state of one scheduler game: the world and the schedule so far. */
export interface SchedulerGame {
  readonly world: World
  readonly schedule: ReadonlyArray<number>
}

/** A new game on the puzzle's world. */
export const start = (p: SchedulerPuzzle): SchedulerGame => ({
  world: new World(p.spec),
  schedule: [],
})

/** Steps task `id` (ignored when it cannot run); returns the next game state. */
export const stepTask = (p: SchedulerPuzzle, g: SchedulerGame, id: number): SchedulerGame => {
  if (!g.world.runnable().includes(id)) return g
  const schedule = [...g.schedule, id]
  return { world: replay(p.spec, schedule), schedule }
}

/** The violation that wins the puzzle, once it happened. */
export const victory = (p: SchedulerPuzzle, g: SchedulerGame): Violation | undefined =>
  g.world.violations.find((v) => v.rule === p.variant.expected.rule)

/** Did the game end without the flaw showing (every task done or stuck)? */
export const lost = (p: SchedulerPuzzle, g: SchedulerGame): boolean =>
  victory(p, g) === undefined && g.world.runnable().length === 0

/** The world after the first `steps` steps of the game's schedule (a replay frame). */
export const replayAt = (p: SchedulerPuzzle, g: SchedulerGame, steps: number): World =>
  replay(p.spec, g.schedule.slice(0, steps))
