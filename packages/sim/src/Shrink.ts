/**
 * Shrinking a counterexample: the explorer's violation schedule made as short as it can be
 * while a replay still breaks the same rule in the same way.
 *
 * @since 0.2.0
 */
import type { Budget } from "./Explorer.js"
import { type Violation, World, type WorldSpec } from "./World.js"

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
  const initial = new World(spec)
  const firstViolation = (schedule: ReadonlyArray<number>): Violation | undefined => {
    const w = initial.clone()
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
