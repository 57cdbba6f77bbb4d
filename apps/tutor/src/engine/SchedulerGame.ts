/**
 * The scheduler game, as in The Deadlock Empire: the player picks which task steps next and
 * wins by causing the puzzle's consequence (see `Consequence`), observed on sim's world. The
 * world is deterministic, so undo replays the schedule without its last move, and the winning
 * schedule replays frame by frame.
 */
import { Move, replay, World } from "@mmguard/sim"
import { type Outcome, observe, type Ran } from "./Consequence.js"
import type { SchedulerPuzzle } from "./Puzzle.js"

/** The state of one scheduler game: the world, the schedule so far and what it caused. */
export interface SchedulerGame {
  readonly world: World
  readonly schedule: ReadonlyArray<number>
  /** The steps run, in order (what the consequences are judged on). */
  readonly log: ReadonlyArray<Ran>
  /** The consequences the schedule caused, in order. */
  readonly outcomes: ReadonlyArray<Outcome>
}

/** A new game on the puzzle's world. */
export const start = (p: SchedulerPuzzle): SchedulerGame => ({
  world: new World(p.spec),
  schedule: [],
  log: [],
  outcomes: [],
})

/**
 * Makes move `id` (see sim's `Move`: a task's next step, or killing a task asleep in a killable
 * wait); ignored when the move is not possible now, or once the game is over.
 */
export const stepTask = (p: SchedulerPuzzle, g: SchedulerGame, id: number): SchedulerGame => {
  if (over(p, g) || !g.world.runnable().includes(id)) return g
  const t = g.world.tasks[Move.task(id)]
  const next = g.world.clone()
  next.step(id)
  const step = Move.alt(id) === Move.STEP ? t?.program[t.pc] : undefined
  const log = step ? [...g.log, { task: id, step }] : g.log
  const seen = observe(g.world, id, g.log, next)
  const known = seen === undefined || g.outcomes.some((o) => o.kind === seen.kind)
  return {
    world: next,
    schedule: [...g.schedule, id],
    log,
    outcomes: known ? g.outcomes : [...g.outcomes, seen],
  }
}

/** Plays `schedule` from the start. */
export const play = (p: SchedulerPuzzle, schedule: ReadonlyArray<number>): SchedulerGame =>
  schedule.reduce((g, id) => stepTask(p, g, id), start(p))

/** One step back: the schedule without its last move, replayed from the start. */
export const undo = (p: SchedulerPuzzle, g: SchedulerGame): SchedulerGame =>
  play(p, g.schedule.slice(0, -1))

/** The consequence that wins the puzzle, once it happened. */
export const victory = (p: SchedulerPuzzle, g: SchedulerGame): Outcome | undefined =>
  g.outcomes.find((o) => o.kind === p.goal)

/** Is the game over: won, or every task done or stuck? */
export const over = (p: SchedulerPuzzle, g: SchedulerGame): boolean =>
  victory(p, g) !== undefined || g.world.runnable().length === 0

/** Did the game end without the goal (every task done or stuck)? */
export const lost = (p: SchedulerPuzzle, g: SchedulerGame): boolean =>
  victory(p, g) === undefined && g.world.runnable().length === 0

/** The move that kills a task asleep in a killable wait, if one can be killed now. */
export const killMove = (g: SchedulerGame): number | undefined =>
  g.world.runnable().find((m) => Move.alt(m) === Move.KILL)

/** A move as the player types it: the task's number, with k before it for a kill. */
export const showMove = (m: number): string =>
  `${Move.alt(m) === Move.KILL ? "k" : ""}${Move.task(m) + 1}`

/** The world after the first `steps` steps of the game's schedule (a replay frame). */
export const replayAt = (p: SchedulerPuzzle, g: SchedulerGame, steps: number): World =>
  replay(p.spec, g.schedule.slice(0, steps))
