/**
 * What one reduced search (`Dpor.search`) is given and gives back: its transition (a move with
 * the local steps after it folded in), its limits and hooks, the completed states it may share
 * with other searches (`Memo`), its counters and how it ended. The parallel explorer splits a
 * search into jobs over these (`Split`, `Parallel`).
 *
 * @since 0.2.0
 */
import { Dones, Prints } from "./Independence.js"
import type { Canonical, Tracker } from "./Symmetry.js"
import type { Footprint, Violation, World } from "./World.js"

/** The task a move belongs to (a move is `task | (alt << 8)`). */
export const taskOf = (move: number): number => move & 255

/**
 * One transition of the reduced searches: `move`, then the steps of its task that follow it
 * and touch nothing shared (an empty footprint: a `goto`, the end of an rmap walk's body), as
 * Spin folds local transitions into the visible one before them. Nothing another task does can
 * tell whether such a step has run yet, so stopping the world between them only multiplies
 * states. Stops at a violation, a blocked or finished task, or after as many steps as its
 * program has (a loop of local steps).
 */
export const advance = (w: World, move: number): void => {
  w.step(move)
  const t = w.tasks[taskOf(move)]
  if (t === undefined) return
  for (let i = 0; i < t.program.length; i++) {
    if (t.status !== "runnable" || w.violations.length > 0) return
    const fp = w.footprint(t.id)
    if (fp.reads.length > 0 || fp.writes.length > 0) return
    w.step(t.id)
  }
}

/** A move asleep at a node, with its footprint there (it stays asleep while nothing touches it). */
export interface Asleep {
  readonly move: number
  readonly fp: Footprint
}

/** Counters of one search, for budgets and progress. */
export interface Counters {
  /** Moves executed. */
  states: number
  /** Complete interleavings (no task left to run). */
  executions: number
  /** Interleavings cut because every runnable move was asleep (covered elsewhere). */
  sleepBlocked: number
  /** Deepest schedule followed. */
  depth: number
  /** States stored by state hashing. */
  stored: number
}

/** Counters at zero. */
export const zero = (): Counters => ({
  states: 0,
  executions: 0,
  sleepBlocked: 0,
  depth: 0,
  stored: 0,
})

/** How a search ended: `budget` when a limit stopped it, else with the first violation found. */
export type Outcome =
  | { readonly kind: "done" }
  | { readonly kind: "budget" }
  | { readonly kind: "violation"; readonly violation: Violation; readonly schedule: number[] }

/** Limits and hooks of one search. */
export interface Limits {
  readonly maxDepth: number
  readonly maxStates: number
  /** Called every 1024 moves (for the clock and progress): true stops the search with "budget". */
  readonly tick: (c: Counters) => boolean
  /** Called on every state reached, after `move` (it may report an invariant on it). */
  readonly visit?: (w: World, move: number) => void
  /**
   * State hashing: the key of a state (its fingerprint, or with symmetry its key up to
   * symmetry and the renaming of that key); without it the search is stateless.
   */
  readonly key?: (w: World) => Canonical | { readonly key: string; readonly slot?: undefined }
  /** With state hashing: the symmetry the keys are taken up to. */
  readonly symmetry?: Tracker
  /** With state hashing: the completed states, shared by the searches given the same memo. */
  readonly memo?: Memo
}

/**
 * A completed state: the sleep sets it was searched with (as its key numbers tasks) and what
 * ran below it (a bitset of the numbers `Dones` gives moves). Each search of the state claims
 * that every class of interleavings from it none of whose first moves is asleep in its sleep
 * set was searched; the claims of all its searches hold together, so the sets are kept side by
 * side (none inside another), not merged into one.
 */
export interface Completed {
  readonly sleeps: ReadonlyArray<ReadonlyArray<number>>
  readonly below: ReadonlyArray<number>
}

/** Completed states by key. Searches of one spec with the same keys may share it. */
export interface Memo {
  readonly cache: Map<string, Completed>
  readonly dones: Dones
  readonly prints: Prints
}

/** An empty memo. */
export const memo = (): Memo => {
  const prints = new Prints()
  return { cache: new Map(), dones: new Dones(prints), prints }
}

/**
 * Records that the state keyed `key` was searched with `sleep` asleep and `below` ran below it;
 * true when the key is new. A sleep set holding an older one makes that one's claim redundant.
 */
export const complete = (
  m: Memo,
  key: string,
  sleep: ReadonlyArray<number>,
  below: ReadonlyArray<number>,
): boolean => {
  const old = m.cache.get(key)
  if (old === undefined) {
    m.cache.set(key, { sleeps: [sleep], below })
    return true
  }
  const joined = below.slice()
  for (let i = 0; i < old.below.length; i++) joined[i] = (joined[i] ?? 0) | (old.below[i] as number)
  const sleeps = old.sleeps.filter((s) => !sleep.every((x) => s.includes(x)))
  sleeps.push(sleep)
  m.cache.set(key, { sleeps, below: joined })
  return false
}

/**
 * What a completed state reached again still needs searched, given which moves (as its key
 * numbers tasks) are asleep now: nothing (undefined) when one of its searches had no move
 * asleep that is awake now; else the moves asleep in the closest search and awake now. Searched
 * from those, the state is covered for the sleep set of now: a class of interleavings that
 * starts with none of those moves was searched then, the others are searched now (Godefroid's
 * sleep sets with state caching).
 */
export const missing = (
  c: Completed,
  asleep: (move: number) => boolean,
): Array<number> | undefined => {
  let best: ReadonlyArray<number> = []
  let fewest = Number.POSITIVE_INFINITY
  for (let k = 0; k < c.sleeps.length; k++) {
    const s = c.sleeps[k] as ReadonlyArray<number>
    let awake = 0
    for (let i = 0; i < s.length; i++) if (!asleep(s[i] as number)) awake++
    if (awake === 0) return undefined
    if (awake < fewest) {
      fewest = awake
      best = s
    }
  }
  return best.filter((m) => !asleep(m))
}
