/**
 * A deterministic scheduler: runs a world's tasks one step at a time under a policy —
 * round-robin, seeded random, or an explicit schedule (the tutor's "you are the scheduler").
 *
 * @since 0.1.0
 */
import { isSimError, type SimError } from "./SimError.js"
import * as Validate from "./Validate.js"
import { World, type WorldSpec } from "./World.js"

/** How the next task is chosen among the runnable ones. */
export type Policy =
  | { readonly kind: "roundRobin" }
  | { readonly kind: "random"; readonly seed: number }
  | { readonly kind: "explicit"; readonly schedule: ReadonlyArray<number> }

/** A small seeded PRNG (mulberry32): the same seed gives the same schedule. */
export const prng = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Runs `spec` until every task is done, nothing can run, `maxSteps` is reached or (explicit
 * policy) the schedule ends. Returns the world, whose `trace` replays the run, or, before
 * anything runs, the `SimError` of an invalid spec (`InvalidWorld`, `InvalidProgram`) or policy
 * (`InvalidSchedule`: an unknown policy, a move naming a task that does not exist).
 */
export const runChecked = (
  spec: WorldSpec,
  policy: Policy,
  maxSteps = 10_000,
): World | SimError => {
  const w = World.make(spec)
  if (isSimError(w)) return w
  const valid = Validate.policy(spec, policy)
  if (isSimError(valid)) return valid
  const steps = Validate.maxSteps(maxSteps)
  if (isSimError(steps)) return steps
  const random = policy.kind === "random" ? prng(policy.seed) : undefined
  let turn = 0
  for (let n = 0; n < maxSteps; n++) {
    const ready = w.runnable()
    if (ready.length === 0) break
    let id: number | undefined
    if (policy.kind === "explicit") {
      id = policy.schedule[n]
      if (id === undefined) break
    } else if (random) id = ready[Math.floor(random() * ready.length)]
    else {
      id = ready.find((r) => r >= turn % w.tasks.length) ?? ready[0]
      turn = (id as number) + 1
    }
    w.step(id as number)
  }
  return w
}

/**
 * `runChecked` in the throwing form, for specs known to be valid (the scenario library's):
 * an invalid spec or policy throws its `SimError`, never anything else.
 */
export const run = (spec: WorldSpec, policy: Policy, maxSteps = 10_000): World => {
  const w = runChecked(spec, policy, maxSteps)
  if (isSimError(w)) throw w
  return w
}
