// Explorer throughput on the kernel scenario library: states per second with the reductions
// (state hashing + sleep sets) beside the unreduced search (the full tree of interleavings), in
// the same run. Both searches are warmed up first, then timed in alternating rounds.
import { Explorer, Scenarios } from "@mmguard/sim"

const WARMUP = 30
const ROUNDS = 100
const round = (budget: Explorer.Budget) => {
  let states = 0
  let ms = 0
  for (const s of Scenarios.all) {
    const r = Explorer.explore(s.spec, { maxStates: 50_000, maxMillis: 5_000, ...budget })
    states += r.states
    ms += r.millis
  }
  return { states, ms }
}
// The "states" search (DPOR, the default, is measured per world size in exploreScale.bench.ts).
const searches = {
  reduced: { reduction: "states" },
  unreduced: { hashing: false, sleepSets: false },
} as const
const totals = { reduced: { states: 0, ms: 0 }, unreduced: { states: 0, ms: 0 } }
for (let i = 0; i < WARMUP; i++) for (const b of Object.values(searches)) round(b)
// Alternate the two searches so that both see the same machine conditions.
for (let i = 0; i < ROUNDS; i++)
  for (const k of ["reduced", "unreduced"] as const) {
    const r = round(searches[k])
    totals[k].states += r.states
    totals[k].ms += r.ms
  }
const rate = (k: keyof typeof totals) => ({
  states: totals[k].states / ROUNDS,
  perSecond: totals[k].states / (totals[k].ms / 1000),
})
const reduced = rate("reduced")
const unreduced = rate("unreduced")
console.log(
  `BENCH ${JSON.stringify({ name: "sim.explore", value: reduced.perSecond, unit: "states/s", baseline: unreduced.perSecond })}`,
)
console.log(
  `BENCH ${JSON.stringify({ name: "sim.exploreStates", value: reduced.states, unit: "states", baseline: unreduced.states })}`,
)
