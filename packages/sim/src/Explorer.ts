/**
 * The interleaving explorer: depth-first over the schedules of a small set of task programs,
 * with state hashing (a state reached twice is explored once) and sleep sets (of two
 * independent steps, only one order is tried: see `World.footprint`). It stops at the first
 * deadlock / violation / leak / failed assertion and returns a replayable schedule for it,
 * shrunk by dropping steps while the same rule still breaks (the shortest one found).
 *
 * @since 0.1.0
 */
import { isSimError, type SimError } from "./SimError.js"
import { type Footprint, type Violation, World, type WorldSpec } from "./World.js"

/** Limits of one exploration, and which reductions to use. */
export interface Budget {
  readonly maxStates?: number
  readonly maxMillis?: number
  /** Longest schedule followed; deeper branches end the search with "budget". */
  readonly maxDepth?: number
  /** Skip states already seen (default on). */
  readonly hashing?: boolean
  /** Sleep-set partial-order reduction (default on; needs at most 31 tasks). */
  readonly sleepSets?: boolean
  /**
   * Your own assertion, checked on every state reached: a message when it fails, which ends
   * the search with an "assert" violation (rule "invariant").
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
  /** Distinct states stored by state hashing. */
  readonly distinct: number
  readonly millis: number
  readonly statesPerSecond: number
}

/** Do two steps touch a resource that one of them changes? */
export const dependent = (a: Footprint, b: Footprint): boolean =>
  a.writes.some((r) => b.writes.includes(r) || b.reads.includes(r)) ||
  b.writes.some((r) => a.reads.includes(r))

/** A millisecond clock: the high-resolution one where the host has it (Node, browsers). */
const now = (): number =>
  (globalThis as { performance?: { now(): number } }).performance?.now() ?? Date.now()

class Stop {
  constructor(
    readonly verdict: "violation" | "budget",
    readonly world?: World,
  ) {}
}

/**
 * Explores the interleavings of `spec` within `budget`. An invalid spec gives the verdict
 * "invalid" with its `SimError`; nothing runs.
 */
export const explore = (spec: WorldSpec, budget: Budget = {}): Exploration => {
  const root = World.make(spec)
  if (isSimError(root))
    return {
      verdict: "invalid",
      error: root,
      states: 0,
      distinct: 0,
      millis: 0,
      statesPerSecond: 0,
    }
  const maxStates = budget.maxStates ?? 200_000
  const maxMillis = budget.maxMillis ?? 10_000
  const maxDepth = budget.maxDepth ?? 100_000
  const hashing = budget.hashing ?? true
  const sleepSets = (budget.sleepSets ?? true) && spec.tasks.length <= 31
  const start = now()
  // Fingerprint -> the sleep set (a bit per task) the state was explored with.
  const visited = new Map<string, number>()
  // Long digest parts (memory, lockdep history) -> small numbers, so fingerprints stay short.
  const parts = new Map<string, number>()
  const intern = (part: string): number => {
    const known = parts.get(part)
    if (known !== undefined) return known
    parts.set(part, parts.size)
    return parts.size - 1
  }
  let states = 0

  // One frame per state on the current path: its runnable tasks, their next steps'
  // footprints, the tasks still to try, and the sleep set grown by the ones already tried.
  interface Frame {
    readonly w: World
    readonly ready: ReadonlyArray<number>
    readonly prints: ReadonlyArray<Footprint>
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
  // Depth-first with an explicit stack, so deep schedules cannot overflow the call stack.
  const dfs = (root: World): void => {
    const stack: Array<Frame> = [frame(root, 0, 0)]
    while (stack.length > 0) {
      const f = stack[stack.length - 1] as Frame
      if (f.next >= f.todo.length) {
        stack.pop()
        continue
      }
      const id = f.todo[f.next++] as number
      if (states >= maxStates || f.depth >= maxDepth) throw new Stop("budget")
      if ((states & 1023) === 0 && now() - start > maxMillis) throw new Stop("budget")
      // The last branch of a state can take the state itself: nothing else needs it.
      const child = f.next === f.todo.length ? f.w : f.w.clone()
      child.step(id)
      states++
      const broken = budget.invariant?.(child)
      if (broken !== undefined) child.reportInvariant(id, broken)
      if (child.violations.length > 0) throw new Stop("violation", child)
      let childSleep = 0
      if (sleepSets) {
        const mine = f.prints[f.ready.indexOf(id)] as Footprint
        for (let j = 0; j < f.ready.length; j++) {
          const other = f.ready[j] as number
          if ((f.done & (1 << other)) !== 0 && !dependent(mine, f.prints[j] as Footprint))
            childSleep |= 1 << other
        }
      }
      f.done |= 1 << id
      if (child.finished()) continue
      const key = hashing ? child.fingerprint(intern) : undefined
      const old = key === undefined ? undefined : visited.get(key)
      // A state seen with a sleep set inside this one has nothing new to offer.
      if (old !== undefined && (old & ~childSleep) === 0) continue
      const sleep = old === undefined ? childSleep : old & childSleep
      if (key !== undefined) visited.set(key, sleep)
      stack.push(frame(child, sleep, f.depth + 1))
    }
  }

  const result = (verdict: Exploration["verdict"], world?: World): Exploration => {
    const millis = now() - start
    const violation = world?.violations[0]
    return {
      verdict,
      ...(violation ? shrink(spec, violation, budget.invariant) : {}),
      states,
      distinct: visited.size,
      millis,
      statesPerSecond: states / Math.max(millis / 1000, 1e-9),
    }
  }
  try {
    dfs(root)
    return result("safe")
  } catch (e) {
    if (e instanceof Stop) return result(e.verdict, e.world)
    throw e
  }
}

/**
 * Shrinks the schedule of `violation`: drops one step at a time while a replay still breaks the
 * same rule in the same way, until no single step can go. Returns the violation as the shortest
 * schedule reached reports it, with that schedule. `spec` must be valid (as `explore` found it):
 * an invalid one throws its `SimError`, like `new World`.
 */
export const shrink = (
  spec: WorldSpec,
  violation: Violation,
  invariant?: Budget["invariant"],
): { readonly violation: Violation; readonly schedule: ReadonlyArray<number> } => {
  // Replays `schedule`, checking the invariant after each step; the first violation, if any.
  const firstViolation = (schedule: ReadonlyArray<number>): Violation | undefined => {
    const w = new World(spec)
    for (const id of schedule) {
      if (w.step(id) === "not-runnable") continue
      const broken = invariant?.(w)
      if (broken !== undefined) w.reportInvariant(id, broken)
      if (w.violations.length > 0) break
    }
    return w.violations[0]
  }
  let best = violation
  for (let changed = true; changed; ) {
    changed = false
    for (let i = best.trace.length - 1; i >= 0; i--) {
      const shorter = [...best.trace.slice(0, i), ...best.trace.slice(i + 1)]
      const v = firstViolation(shorter)
      if (v && v.rule === best.rule && v.kind === best.kind && v.trace.length < best.trace.length) {
        best = v
        changed = true
        i = Math.min(i, best.trace.length)
      }
    }
  }
  return { violation: best, schedule: best.trace }
}
