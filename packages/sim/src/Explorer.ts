/**
 * The interleaving explorer: breadth-first over the schedules of a small set of task programs,
 * with state hashing (two schedules reaching the same state are explored once). It stops at the
 * first deadlock / violation / leak / failed assertion and returns its schedule, which is the
 * shortest one (breadth-first), replayable with `replay`. Branches clone the world.
 *
 * @since 0.1.0
 */
import { type Violation, World, type WorldSpec } from "./World.js"

/** Limits of one exploration. */
export interface Budget {
  readonly maxStates?: number
  readonly maxMillis?: number
  /** Skip states already seen (the reduction); off explores the full tree of interleavings. */
  readonly hashing?: boolean
}

/** What the explorer found. */
export interface Exploration {
  readonly verdict: "safe" | "violation" | "budget"
  readonly violation?: Violation
  readonly schedule?: ReadonlyArray<number>
  readonly states: number
  readonly millis: number
  readonly statesPerSecond: number
}

/** Explores every interleaving of `spec` within `budget`. */
export const explore = (spec: WorldSpec, budget: Budget = {}): Exploration => {
  const maxStates = budget.maxStates ?? 200_000
  const maxMillis = budget.maxMillis ?? 10_000
  const hashing = budget.hashing ?? true
  const start = Date.now()
  const seen = new Set<string>()
  let frontier: Array<World> = [new World(spec)]
  let states = 0
  const done = (
    verdict: Exploration["verdict"],
    found?: { violation: Violation; schedule: ReadonlyArray<number> },
  ): Exploration => {
    const millis = Date.now() - start
    return {
      verdict,
      ...(found ?? {}),
      states,
      millis,
      statesPerSecond: states / Math.max(millis / 1000, 1e-9),
    }
  }
  while (frontier.length > 0) {
    const next: Array<World> = []
    for (const w of frontier) {
      for (const id of w.runnable()) {
        if (states >= maxStates || Date.now() - start > maxMillis) return done("budget")
        const child = w.clone()
        child.step(id)
        states++
        const violation = child.violations[0]
        if (violation) return done("violation", { violation, schedule: child.trace })
        if (child.finished()) continue
        if (hashing) {
          const key = child.fingerprint()
          if (seen.has(key)) continue
          seen.add(key)
        }
        next.push(child)
      }
    }
    frontier = next
  }
  return done("safe")
}
