/**
 * The deterministic split of a search into jobs, the same whatever the number of threads: the
 * top of the tree is expanded breadth-first in full (every runnable move, with sleep sets and
 * state hashing, as in Godefroid's search), until a level holds enough states; each state of
 * that level becomes a job, a dynamic partial-order search (`Dpor.search`) of its subtree.
 *
 * Why this is sound: a source-DPOR search from a state explores every class of interleavings
 * from it not starting with a sleeping move, and the races it finds with moves above its root
 * only ever add moves to states above; those states are expanded in full already. Two jobs with
 * the same state (or, with symmetry, states that are images of each other) and sleep sets
 * included one in the other cover the same classes, so the later one is dropped.
 *
 * The answer is canonical: of all violations found, the one whose job (or top state) comes
 * first in the depth-first order of the tree (its schedule is lexicographically smallest).
 *
 * @since 0.2.0
 */

import { dependent } from "./Independence.js"
import type { Step } from "./Program.js"
import { type Asleep, advance, type Counters, zero } from "./Search.js"
import { type Violation, World, type WorldSpec } from "./World.js"

/** A subtree to search: the schedule to its root and the moves asleep there. */
export interface Job {
  readonly path: ReadonlyArray<number>
  readonly sleep: ReadonlyArray<number>
}

/** The top of the tree: its jobs (in depth-first order) and the first violation above them. */
export interface Plan {
  readonly jobs: ReadonlyArray<Job>
  readonly found?: { readonly violation: Violation; readonly path: ReadonlyArray<number> }
  readonly counters: Counters
  /** Distinct states of the top (after state hashing and symmetry). */
  readonly distinct: number
}

/**
 * How many states a level must hold to become the jobs; the deepest level expanded. Each job
 * keeps its own state hashing (so the answer does not depend on the threads), and the jobs'
 * subtrees overlap: every job more costs states (k=6 of the scale bench: 65 k states in one job,
 * 77 k in 4, 109 k in 16). The subtrees are lopsided, so 4 already keeps two threads busy.
 */
export const JOBS = 4
export const TOP_DEPTH = 8

/** Lexicographic order of schedules (a prefix comes first). */
export const before = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): boolean => {
  for (let i = 0; i < Math.min(a.length, b.length); i++)
    if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number)
  return a.length < b.length
}

/** A state's key for state hashing, and how its moves map to the key's numbering of tasks. */
export interface Canon {
  readonly key: string
  readonly map: (move: number) => number
}

/** Keys states for the top's state hashing: the plain fingerprint, or one up to symmetry. */
export type Canonicalise = (w: World) => Canon

interface Top {
  readonly w: World
  readonly path: ReadonlyArray<number>
  readonly sleep: ReadonlyArray<Asleep>
}

/**
 * Expands the top of the tree of `spec` and returns the jobs below it; `visit` sees every state
 * reached (it may report an invariant on it).
 */
export const plan = (
  spec: WorldSpec,
  canonical?: Canonicalise,
  visit?: (w: World, move: number) => void,
): Plan => {
  const counters: Counters = zero()
  // Fingerprint (canonical under symmetry) -> the sleep set (tasks) the state is searched with.
  const visited = new Map<string, ReadonlyArray<number>>()
  let found: Plan["found"]
  let level: Array<Top> = [{ w: new World(spec), path: [], sleep: [] }]
  for (let depth = 0; depth < TOP_DEPTH && level.length > 0 && level.length < JOBS; depth++) {
    const next: Array<Top> = []
    for (const n of level) {
      const done: Array<Asleep> = []
      for (const move of n.w.runnable()) {
        if (n.sleep.some((a) => a.move === move)) continue
        const path = [...n.path, move]
        if (found !== undefined && !before(path, found.path)) break
        const fp = n.w.footprint(move)
        const child = n.w.clone()
        advance(child, move)
        counters.states++
        visit?.(child, move)
        const sleep = [...n.sleep, ...done].filter((a) => !dependent(a.fp, fp))
        done.push({ move, fp })
        const v = child.violations[0]
        if (v !== undefined) {
          found = { violation: v, path }
          break
        }
        const enabled = child.runnable()
        if (enabled.length === 0) {
          counters.executions++
          continue
        }
        if (enabled.every((m) => sleep.some((a) => a.move === m))) {
          counters.sleepBlocked++
          continue
        }
        const canon = canonical?.(child) ?? {
          key: child.fingerprint(),
          map: (m: number) => m,
        }
        const mine = sleep.map((a) => canon.map(a.move))
        const old = visited.get(canon.key)
        // A state searched with a sleep set inside this one has nothing new to offer.
        if (old?.every((m) => mine.includes(m))) continue
        visited.set(canon.key, old === undefined ? mine : old.filter((m) => mine.includes(m)))
        const kept =
          old === undefined ? sleep : sleep.filter((a) => old.includes(canon.map(a.move)))
        next.push({ w: child, path, sleep: kept })
        counters.depth = Math.max(counters.depth, path.length)
      }
    }
    level = next
  }
  const jobs = level
    .filter((n) => found === undefined || before(n.path, found.path))
    .map((n) => ({ path: n.path, sleep: n.sleep.map((a) => a.move) }))
  return { jobs, ...(found ? { found } : {}), counters, distinct: visited.size }
}

/**
 * The world at the root of `job` (replayed on a clone of `initial`, the spec's world, so the
 * spec is validated once), with the moves asleep there and their footprints.
 */
export const root = (initial: World, job: Job): { w: World; sleep: Array<Asleep> } => {
  const w = initial.clone()
  for (const m of job.path) advance(w, m)
  return { w, sleep: job.sleep.map((move) => ({ move, fp: w.footprint(move) })) }
}

/**
 * The steps control may go to after step `i` of `program`: the next one, a jump's target, a
 * failure branch, a walk's exit. An rmap walk's turn back to its head is left out: it ends once
 * the tree's VMAs are visited, so it is no loop of the search.
 */
const successors = (program: ReadonlyArray<Step>, i: number): Array<number> => {
  const at = (label: string) => program.findIndex((x) => x.label === label)
  const s = program[i] as Step
  if (s.op === "goto") return [at(s.to)]
  if (s.op === "rmapWalkNext") {
    const head = program[at(s.walk)]
    return [head?.op === "rmapWalk" ? at(head.done) : -1]
  }
  const branch = "onFail" in s && s.onFail !== undefined ? [at(s.onFail)] : []
  const exit = s.op === "rmapWalk" ? [at(s.done)] : []
  return [i + 1, ...branch, ...exit].filter((j) => j >= 0 && j < program.length)
}

/** Can a task of `spec` loop (a cycle in its program's control flow)? */
export const cyclic = (spec: WorldSpec): boolean =>
  spec.tasks.some((t) => {
    const state = new Uint8Array(t.program.length) // 0 new, 1 on the path, 2 done
    const visit = (i: number): boolean => {
      if (state[i] === 1) return true
      if (state[i] === 2) return false
      state[i] = 1
      const loops = successors(t.program, i).some((j) => j >= 0 && visit(j))
      state[i] = 2
      return loops
    }
    return t.program.length > 0 && visit(0)
  })
