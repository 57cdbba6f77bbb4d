/**
 * The "dpor" search on worker threads (`node:worker_threads`), one per core by default. The
 * tree is split into the same jobs whatever the number of threads (`Split.plan`); each worker
 * searches whole jobs, each with its own state hashing, and the answer is taken in job order,
 * so the verdict, the shrunk counterexample and the state counts are the same as
 * `Explorer.explore` gives in one thread (up to a state budget that runs out). Jobs after one that
 * found a violation stop early (a shared flag). Where worker threads are missing (a browser),
 * or for an `invariant` (a function cannot cross threads), the search runs in this thread.
 *
 * @since 0.2.0
 */

import {
  add,
  answer,
  type Budget,
  canonicalOf,
  type Exploration,
  explore,
  invalid,
  now,
  Run,
  searchOf,
  visitor,
} from "./Explorer.js"
import { type Counters, type Outcome, zero } from "./Search.js"
import { type Job, plan } from "./Split.js"
import type { WorldSpec } from "./World.js"

/** What this module needs of `node:worker_threads` (typed here: sim builds without Node's types). */
export interface WorkerLike {
  postMessage(message: unknown): void
  on(event: "message", f: (message: WorkerReply) => void): void
  on(event: "error", f: (error: unknown) => void): void
  terminate(): Promise<number>
}
interface Threads {
  readonly Worker: new (url: object, options: { workerData: unknown }) => WorkerLike
}

/** A job for a worker: its index, the job, and the budget left. */
export interface WorkerJob {
  readonly index: number
  readonly job: Job
  readonly maxStates: number
  readonly maxMillis: number
  readonly maxDepth: number
  readonly hashing: boolean
  readonly symmetry: boolean
}

/** A worker's answer: progress while it searches, then the job's outcome and counts. */
export type WorkerReply =
  | { readonly kind: "progress"; readonly index: number; readonly counters: Counters }
  | {
      readonly kind: "done"
      readonly index: number
      readonly outcome: Outcome
      readonly counters: Counters
    }

/** The worker script, built next to this module (a file: URL; sim builds without DOM types). */
const script = (): object => {
  const { URL } = globalThis as unknown as { URL: new (path: string, base: string) => object }
  return new URL("./ExploreWorker.js", (import.meta as unknown as { url: string }).url)
}

const threadsModule = async (): Promise<Threads | undefined> => {
  try {
    return (await import(/* @vite-ignore */ "node:worker_threads" as string)) as Threads
  } catch {
    return undefined
  }
}

/** How many cores this host has (1 when it does not say). */
export const cores = async (): Promise<number> => {
  try {
    const os = (await import(/* @vite-ignore */ "node:os" as string)) as {
      availableParallelism?: () => number
    }
    return os.availableParallelism?.() ?? 1
  } catch {
    return 1
  }
}

/**
 * Explores the interleavings of `spec` within `budget` on `budget.threads` worker threads
 * (default: one per core). Same answer as `explore`; falls back to it where threads are missing.
 */
export const exploreParallel = async (
  spec: WorldSpec,
  budget: Budget = {},
): Promise<Exploration> => {
  const bad = invalid(spec)
  if (bad) return bad
  const threads = budget.threads ?? (await cores())
  const mod = threads > 1 && !budget.invariant && !budget.countDistinct && (await threadsModule())
  if (!mod || searchOf(spec, budget) === "states") return explore(spec, budget)
  const run = new Run(budget)
  const top = plan(spec, canonicalOf(spec, budget), visitor(budget))
  add(run.counters, top.counters)
  const jobs = top.jobs
  const outcomes: Array<Outcome | undefined> = new Array(jobs.length).fill(undefined)
  const stop = new Int32Array(new SharedArrayBuffer(4))
  stop[0] = jobs.length
  const running = new Map<number, Counters>()
  let next = 0
  let first = jobs.length
  const workers: Array<WorkerLike> = []
  const finish = (): Exploration => {
    for (const w of workers) void w.terminate()
    const r = answer(
      spec,
      run,
      top,
      outcomes.slice(0, first + 1),
      top.distinct + run.counters.stored,
    )
    return { ...r, threads: Math.max(1, workers.length) }
  }
  return new Promise<Exploration>((resolve) => {
    const give = (w: WorkerLike): boolean => {
      if (next >= Math.min(jobs.length, first)) return false
      const index = next++
      running.set(index, zero())
      const message: WorkerJob = {
        index,
        job: jobs[index] as Job,
        maxStates: run.maxStates - run.counters.states,
        maxMillis: run.maxMillis - (now() - run.start),
        maxDepth: run.maxDepth,
        hashing: budget.hashing !== false,
        symmetry: budget.symmetry !== false,
      }
      w.postMessage(message)
      return true
    }
    const settle = (): void => {
      // Done when every job before the first that stopped has an outcome.
      for (let i = 0; i < Math.min(first, jobs.length); i++) if (outcomes[i] === undefined) return
      resolve(finish())
    }
    const onReply = (w: WorkerLike, r: WorkerReply): void => {
      if (r.kind === "progress") {
        running.set(r.index, r.counters)
        const live = zero()
        add(live, run.counters)
        for (const c of running.values()) add(live, c)
        run.tick(live)
        return
      }
      running.delete(r.index)
      add(run.counters, r.counters)
      outcomes[r.index] = r.outcome
      if (r.outcome.kind !== "done" && r.index < first) {
        first = r.index
        Atomics.store(stop, 0, first)
      }
      if (!give(w)) settle()
    }
    const count = Math.min(threads, jobs.length)
    if (count === 0) resolve(finish())
    for (let i = 0; i < count; i++) {
      const w = new mod.Worker(script(), { workerData: { spec, stop } })
      workers.push(w)
      w.on("message", (r) => onReply(w, r))
      // A worker that cannot start (no built script next to this module): search here.
      w.on("error", () => {
        for (const x of workers) void x.terminate()
        resolve(explore(spec, budget))
      })
      give(w)
    }
  })
}
