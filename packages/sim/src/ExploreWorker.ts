/**
 * The worker thread of `exploreParallel`: searches the jobs it is sent (`Parallel.WorkerJob`)
 * with the "dpor" search and answers each with its outcome, posting progress on the way. It
 * stops a job early when the shared flag names an earlier job that found a violation.
 *
 * @since 0.2.0
 */

import { Run, runJob } from "./Explorer.js"
import type { WorkerJob, WorkerReply } from "./Parallel.js"
import { zero } from "./Search.js"
import { World, type WorldSpec } from "./World.js"

interface Port {
  on(event: "message", f: (job: WorkerJob) => void): void
  postMessage(reply: WorkerReply): void
}
const { parentPort, workerData } = (await import(
  /* @vite-ignore */ "node:worker_threads" as string
)) as { parentPort: Port | null; workerData: { spec: WorldSpec; stop: Int32Array } }

const { spec, stop } = workerData
const initial = new World(spec)
parentPort?.on("message", (m) => {
  const counters = zero()
  const run = new Run({
    maxStates: m.maxStates,
    maxMillis: m.maxMillis,
    maxDepth: m.maxDepth,
    hashing: m.hashing,
    symmetry: m.symmetry,
    progressMillis: 200,
    onProgress: () => parentPort.postMessage({ kind: "progress", index: m.index, counters }),
  })
  const stopped = run.tick.bind(run)
  run.tick = (c) => stopped(c) || Atomics.load(stop, 0) < m.index
  const outcome = runJob(spec, initial, m.job, run, counters)
  parentPort.postMessage({ kind: "done", index: m.index, outcome, counters })
})
