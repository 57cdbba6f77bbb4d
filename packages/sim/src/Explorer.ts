/**
 * The interleaving explorer. By default a dynamic partial-order reduction (`Dpor`): of all the
 * schedules that differ only in the order of independent steps (see `World.footprint`) it
 * explores one, which keeps every final state, deadlock and rule violation and drops most
 * states. Worlds whose tasks can loop, and searches with an invariant of your own (which may
 * look at any state, not only the ones a reduced search passes), use the "states" search:
 * depth-first with state hashing (a state reached twice is explored once) and sleep sets.
 *
 * Either stops at the first deadlock / violation / leak / failed assertion and returns a
 * replayable schedule for it, shrunk by dropping steps while the same rule still breaks. The
 * answer does not depend on how many threads search (`exploreParallel`).
 *
 * @since 0.1.0
 */
import { search } from "./Dpor.js"
import { dependent } from "./Independence.js"
import { type Counters, memo, type Outcome, zero } from "./Search.js"
import { shrink } from "./Shrink.js"
import { isSimError, type SimError } from "./SimError.js"
import { type Canonicalise, cyclic, type Job, type Plan, plan, root } from "./Split.js"
import { type Tracker, tracker } from "./Symmetry.js"
import { type Violation, World, type WorldSpec } from "./World.js"

export { exploreParallel } from "./Parallel.js"
export { shrink } from "./Shrink.js"
export { dependent }

/** How far a search has got, for a progress line. */
export interface Progress {
  /** Steps executed so far. */
  readonly states: number
  /** Complete interleavings explored so far. */
  readonly executions: number
  /** Deepest schedule followed so far. */
  readonly depth: number
  readonly millis: number
  readonly statesPerSecond: number
}

/** Limits of one exploration, and which reductions to use. */
export interface Budget {
  readonly maxStates?: number
  readonly maxMillis?: number
  /** Longest schedule followed; deeper branches end the search with "budget". */
  readonly maxDepth?: number
  /**
   * "dpor" (the default): dynamic partial-order reduction, for worlds whose tasks cannot loop
   * (others fall back to "states"). "states": state hashing and sleep sets, which visits every
   * reachable state (the default when `invariant`, `hashing` or `sleepSets` is given).
   */
  readonly reduction?: "dpor" | "states"
  /**
   * Skip states already seen (default on). In the "dpor" search a state reached again is
   * skipped once every move on the path that may race with what ran below it is searched in full.
   */
  readonly hashing?: boolean
  /** "states" search: sleep-set partial-order reduction (default on; needs at most 31 tasks). */
  readonly sleepSets?: boolean
  /**
   * "dpor" search: states that are images of each other under a permutation of tasks running
   * the same program on equivalent pages are searched once (default on; see `Symmetry`).
   */
  readonly symmetry?: boolean
  /** `exploreParallel`: worker threads to use (default: one per core). */
  readonly threads?: number
  /** Count the distinct states the search passes (costs a fingerprint per step). */
  readonly countDistinct?: boolean
  /** Called about every `progressMillis` (default 250) while the search runs. */
  readonly onProgress?: (progress: Progress) => void
  readonly progressMillis?: number
  /**
   * Your own assertion, checked on every state reached: a message when it fails, which ends
   * the search with an "assert" violation (rule "invariant"). With `reduction: "dpor"` it is
   * checked only on the states that search passes (every final state among them).
   */
  readonly invariant?: (world: World) => string | undefined
}

/**
 * What the explorer found. "invalid": the spec was rejected before anything ran; `error` says
 * why (task, step, path) and nothing was explored.
 */
export interface Exploration {
  readonly verdict: "safe" | "violation" | "budget" | "invalid"
  readonly violation?: Violation
  readonly error?: SimError
  readonly schedule?: ReadonlyArray<number>
  /** Steps executed (each yields a state, seen before or not). */
  readonly states: number
  /** Complete interleavings explored (every task done, or deadlocked). */
  readonly executions: number
  /**
   * Distinct states stored by state hashing (each job of a "dpor" search keeps its own), or
   * passed, with `countDistinct`.
   */
  readonly distinct: number
  readonly millis: number
  readonly statesPerSecond: number
  /** The search that ran. */
  readonly search: "dpor" | "states"
  /** Threads that searched. */
  readonly threads: number
}

/** A millisecond clock: the high-resolution one where the host has it (Node, browsers). */
export const now = (): number =>
  (globalThis as { performance?: { now(): number } }).performance?.now() ?? Date.now()

/** The search `budget` asks for on `spec`. */
export const searchOf = (spec: WorldSpec, budget: Budget): "dpor" | "states" => {
  const asked =
    budget.reduction ??
    (budget.invariant || budget.hashing !== undefined || budget.sleepSets !== undefined
      ? "states"
      : "dpor")
  return asked === "dpor" && !cyclic(spec) ? "dpor" : "states"
}

/** Short numbers for the long parts of fingerprints (memory, lockdep history). */
const interner = (): ((part: string) => number) => {
  const parts = new Map<string, number>()
  return (part) => {
    const known = parts.get(part)
    if (known !== undefined) return known
    parts.set(part, parts.size)
    return parts.size - 1
  }
}

/** Everything one exploration keeps track of, whichever search runs it. */
export class Run {
  readonly start = now()
  readonly counters: Counters = zero()
  readonly maxStates: number
  readonly maxMillis: number
  readonly maxDepth: number
  private lastProgress: number

  constructor(readonly budget: Budget) {
    this.maxStates = budget.maxStates ?? 200_000
    this.maxMillis = budget.maxMillis ?? 10_000
    this.maxDepth = budget.maxDepth ?? 100_000
    this.lastProgress = this.start
  }

  /** The clock check every 1024 steps: reports progress, says whether time is up. */
  tick(c: Counters): boolean {
    const t = now()
    if (this.budget.onProgress && t - this.lastProgress >= (this.budget.progressMillis ?? 250)) {
      this.lastProgress = t
      this.budget.onProgress(this.progress(c))
    }
    return t - this.start > this.maxMillis
  }

  progress(c: Counters): Progress {
    const millis = now() - this.start
    return {
      states: c.states,
      executions: c.executions,
      depth: c.depth,
      millis,
      statesPerSecond: c.states / Math.max(millis / 1000, 1e-9),
    }
  }

  /** The result, with the violation's schedule shrunk. */
  result(
    search: Exploration["search"],
    verdict: Exploration["verdict"],
    distinct: number,
    violation?: Violation,
    spec?: WorldSpec,
  ): Exploration {
    const c = this.counters
    const millis = now() - this.start
    return {
      verdict,
      ...(violation && spec ? shrink(spec, violation, this.budget.invariant) : {}),
      states: c.states,
      executions: c.executions,
      distinct,
      millis,
      statesPerSecond: c.states / Math.max(millis / 1000, 1e-9),
      search,
      threads: 1,
    }
  }
}

/** Adds the counts of a finished job or top to the run's. */
export const add = (into: Counters, c: Counters): void => {
  into.states += c.states
  into.executions += c.executions
  into.sleepBlocked += c.sleepBlocked
  into.depth = Math.max(into.depth, c.depth)
  into.stored += c.stored
}

/** The symmetry of `spec` a "dpor" search uses, if any. */
export const symmetryOf = (spec: WorldSpec, budget: Budget): Tracker | undefined =>
  budget.symmetry === false ? undefined : tracker(spec)

/** The key of states for the top of a "dpor" search: up to symmetry when there is one. */
export const canonicalOf = (spec: WorldSpec, budget: Budget): Canonicalise | undefined => {
  const sym = symmetryOf(spec, budget)
  if (sym === undefined) return undefined
  return (w) => {
    const { key, slot } = sym.canonical(w)
    return { key, map: (move) => sym.map(slot, move) }
  }
}

/**
 * Searches one job in this thread. Each job has its own state hashing, so its outcome and its
 * counts are the same whichever thread searches it and whatever ran there before (sharing
 * completed states between the jobs of a thread saved states, but made the counts and the
 * violation found depend on how the jobs fell to threads). `intern` numbers fingerprint parts
 * (shared by the jobs of a search so that `distinct`, if given, collects comparable
 * fingerprints of the states).
 */
export const runJob = (
  spec: WorldSpec,
  initial: World,
  job: Job,
  run: Run,
  counters: Counters,
  intern: (part: string) => number = interner(),
  distinct?: Set<string>,
): Outcome => {
  const { w, sleep } = root(initial, job)
  const visit = visitor(run.budget, distinct, intern)
  const sym = run.budget.hashing === false ? undefined : symmetryOf(spec, run.budget)
  const limits = {
    memo: memo(),
    ...(run.budget.hashing === false
      ? {}
      : {
          key: sym
            ? (child: World) => sym.canonical(child, intern)
            : (child: World) => ({ key: child.fingerprint(intern) }),
        }),
    ...(sym ? { symmetry: sym } : {}),
    maxDepth: run.maxDepth - job.path.length,
    maxStates: run.maxStates - run.counters.states,
    tick: (c: Counters) => run.tick({ ...c, states: run.counters.states + c.states }),
    ...(visit ? { visit } : {}),
  }
  return search(w, sleep, limits, counters)
}

/** What looks at every state reached: the invariant, and the count of distinct states. */
export const visitor = (
  budget: Budget,
  distinct?: Set<string>,
  intern: (part: string) => number = interner(),
): ((w: World, move: number) => void) | undefined => {
  const invariant = budget.invariant
  if (invariant === undefined && distinct === undefined) return undefined
  return (child, move) => {
    distinct?.add(child.fingerprint(intern))
    const broken = invariant?.(child)
    if (broken !== undefined) child.reportInvariant(move, broken)
  }
}

/** The answer of a "dpor" search from its top and its jobs' outcomes (first in tree order). */
export const answer = (
  spec: WorldSpec,
  run: Run,
  top: Plan,
  outcomes: ReadonlyArray<Outcome | undefined>,
  distinct: number,
): Exploration => {
  for (const o of outcomes) {
    if (o === undefined) break
    if (o.kind === "violation") return run.result("dpor", "violation", distinct, o.violation, spec)
    if (o.kind === "budget") return run.result("dpor", "budget", distinct)
  }
  if (top.found) return run.result("dpor", "violation", distinct, top.found.violation, spec)
  if (outcomes.length < top.jobs.length || outcomes.includes(undefined))
    return run.result("dpor", "budget", distinct)
  return run.result("dpor", "safe", distinct)
}

/** The answer for a spec `World.make` rejects (nothing runs), or undefined when it is valid. */
export const invalid = (spec: WorldSpec): Exploration | undefined => {
  const w = World.make(spec)
  if (!isSimError(w)) return undefined
  const none = { states: 0, executions: 0, distinct: 0, millis: 0, statesPerSecond: 0 }
  return { verdict: "invalid", error: w, ...none, search: "dpor", threads: 1 }
}

/**
 * Explores the interleavings of `spec` within `budget`, in this thread. An invalid spec gives
 * the verdict "invalid" with its `SimError`; nothing runs.
 */
export const explore = (spec: WorldSpec, budget: Budget = {}): Exploration => {
  const bad = invalid(spec)
  if (bad) return bad
  if (searchOf(spec, budget) === "states") return exploreStates(spec, budget)
  const run = new Run(budget)
  const seen = budget.countDistinct ? new Set<string>() : undefined
  const top = plan(spec, canonicalOf(spec, budget), visitor(budget, seen))
  add(run.counters, top.counters)
  const outcomes: Array<Outcome> = []
  const initial = new World(spec)
  const intern = interner()
  for (const job of top.jobs) {
    const c: Counters = zero()
    const o = runJob(spec, initial, job, run, c, intern, seen)
    add(run.counters, { ...c, depth: c.depth + job.path.length })
    outcomes.push(o)
    if (o.kind !== "done") break
    if (run.tick(run.counters)) {
      outcomes.push({ kind: "budget" })
      break
    }
  }
  return answer(spec, run, top, outcomes, seen?.size ?? top.distinct + run.counters.stored)
}

/** The "states" search: depth-first with state hashing and sleep sets, every state visited. */
const exploreStates = (spec: WorldSpec, budget: Budget): Exploration => {
  const run = new Run(budget)
  const hashing = budget.hashing ?? true
  const sleepSets = (budget.sleepSets ?? true) && spec.tasks.length <= 31
  // Fingerprint -> the sleep set (a bit per task) the state was explored with.
  const visited = new Map<string, number>()
  const intern = interner()
  const c = run.counters

  // One frame per state on the current path: its runnable tasks, their next steps'
  // footprints, the tasks still to try, and the sleep set grown by the ones already tried.
  interface Frame {
    readonly w: World
    readonly ready: ReadonlyArray<number>
    readonly prints: ReadonlyArray<ReturnType<World["footprint"]>>
    readonly todo: ReadonlyArray<number>
    next: number
    done: number
    readonly depth: number
  }
  const frame = (w: World, sleep: number, depth: number): Frame => {
    const ready = w.runnable()
    return {
      w,
      ready,
      prints: sleepSets ? ready.map((id) => w.footprint(id)) : [],
      todo: ready.filter((id) => (sleep & (1 << id)) === 0),
      next: 0,
      done: sleep,
      depth,
    }
  }
  const stack: Array<Frame> = [frame(new World(spec), 0, 0)]
  while (stack.length > 0) {
    const f = stack[stack.length - 1] as Frame
    if (f.next >= f.todo.length) {
      stack.pop()
      continue
    }
    const id = f.todo[f.next++] as number
    if (c.states >= run.maxStates || f.depth >= run.maxDepth)
      return run.result("states", "budget", visited.size)
    if ((c.states & 1023) === 0 && run.tick(c)) return run.result("states", "budget", visited.size)
    // The last branch of a state can take the state itself: nothing else needs it.
    const child = f.next === f.todo.length ? f.w : f.w.clone()
    child.step(id)
    c.states++
    const broken = budget.invariant?.(child)
    if (broken !== undefined) child.reportInvariant(id, broken)
    if (child.violations.length > 0)
      return run.result("states", "violation", visited.size, child.violations[0], spec)
    let childSleep = 0
    if (sleepSets) {
      const mine = f.prints[f.ready.indexOf(id)] as ReturnType<World["footprint"]>
      for (let j = 0; j < f.ready.length; j++) {
        const other = f.ready[j] as number
        if ((f.done & (1 << other)) !== 0 && !dependent(mine, f.prints[j] as typeof mine))
          childSleep |= 1 << other
      }
    }
    f.done |= 1 << id
    if (child.finished()) {
      c.executions++
      continue
    }
    const key = hashing ? child.fingerprint(intern) : undefined
    const old = key === undefined ? undefined : visited.get(key)
    // A state seen with a sleep set inside this one has nothing new to offer.
    if (old !== undefined && (old & ~childSleep) === 0) continue
    const sleep = old === undefined ? childSleep : old & childSleep
    if (key !== undefined) visited.set(key, sleep)
    stack.push(frame(child, sleep, f.depth + 1))
    c.depth = Math.max(c.depth, f.depth + 1)
  }
  return run.result("states", "safe", visited.size)
}
