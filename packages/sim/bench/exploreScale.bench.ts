// How the explorer scales with the number of tasks: a world of k tasks (one mprotect, one rmap
// reclaim and k-2 page faults on neighbouring pages of the anonymous VMA, every program as the
// scenario library writes it in core, compiled; all correct), explored to "safe" for k = 2..9 by the default
// search (DPOR with state hashing and symmetry, on worker threads, one per core) beside the
// state-hashing search alone, in the same run while it finishes within its cap.
// Reports per k: states (steps executed), complete executions, distinct states stored, time
// (wall, and CPU summed over the threads: on a shared machine the wall time says little) and
// peak memory (growth of the resident set: the workers' heaps are in it).
import { Explorer, Scenarios, type WorldSpec } from "@mmguard/sim"

const CAP_MS = Number(process.env.SCALE_CAP_MS ?? 60_000)
const MAX_K = Number(process.env.SCALE_MAX_K ?? 9)
const ANON = 600
const { fault, mprotect, reclaim } = Scenarios.paths
const { task } = Scenarios
/** The world of k tasks. */
const world = (k: number): WorldSpec => ({
  mms: Scenarios.layout,
  tasks: [
    task("mprotect", mprotect(ANON)),
    task("reclaim", reclaim),
    ...Array.from({ length: k - 2 }, (_, i) => task(`fault${i}`, fault(ANON + 1 + i))),
  ],
})

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {})
const measure = async (run: (onProgress: () => void) => Promise<Explorer.Exploration>) => {
  gc()
  const cpu = process.cpuUsage()
  const base = process.memoryUsage().rss
  let peak = base
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage().rss)
  }
  const r = await run(sample)
  sample()
  const used = process.cpuUsage(cpu)
  return { r, mb: (peak - base) / 2 ** 20, cpuMs: (used.user + used.system) / 1000 }
}
const report = (name: string, value: number, unit: string, baseline?: number) =>
  console.log(
    `BENCH ${JSON.stringify({ name, value, unit, ...(baseline === undefined ? {} : { baseline }) })}`,
  )
const row = (cells: ReadonlyArray<string | number>) =>
  console.error(cells.map((c) => String(c).padStart(10)).join(" "))

row(["k", "search", "verdict", "states", "execs", "distinct", "ms", "cpu ms", "peak MB", "threads"])
let hashingFinishes = true
for (let k = 2; k <= MAX_K; k++) {
  const spec = world(k)
  const dpor = await measure((onProgress) =>
    Explorer.exploreParallel(spec, {
      maxStates: 1e9,
      maxMillis: CAP_MS,
      onProgress,
      progressMillis: 50,
    }),
  )
  const show = (name: string, m: typeof dpor) =>
    row([
      k,
      name,
      m.r.verdict,
      m.r.states,
      m.r.executions,
      m.r.distinct,
      Math.round(m.r.millis),
      Math.round(m.cpuMs),
      m.mb.toFixed(1),
      m.r.threads,
    ])
  show("dpor", dpor)
  let hashing: typeof dpor | undefined
  if (hashingFinishes) {
    hashing = await measure(async (onProgress) =>
      Explorer.explore(spec, {
        reduction: "states",
        sleepSets: false,
        maxStates: 1e9,
        maxMillis: CAP_MS,
        onProgress,
        progressMillis: 50,
      }),
    )
    show("hashing", hashing)
    hashingFinishes = hashing.r.verdict === "safe"
  }
  const done = (m: typeof dpor | undefined) => (m?.r.verdict === "safe" ? m : undefined)
  const base = done(hashing)
  if (done(dpor) === undefined) {
    report(`sim.exploreScale.k${k}.ms`, -1, "ms (unfinished)", base?.r.millis)
    break
  }
  report(`sim.exploreScale.k${k}.ms`, dpor.r.millis, "ms", base?.r.millis)
  report(`sim.exploreScale.k${k}.cpuMs`, dpor.cpuMs, "ms", base?.cpuMs)
  report(`sim.exploreScale.k${k}.states`, dpor.r.states, "states", base?.r.states)
  report(`sim.exploreScale.k${k}.distinct`, dpor.r.distinct, "states", base?.r.distinct)
  report(`sim.exploreScale.k${k}.executions`, dpor.r.executions, "executions", base?.r.executions)
  report(`sim.exploreScale.k${k}.peakMB`, dpor.mb, "MB", base?.mb)
}
