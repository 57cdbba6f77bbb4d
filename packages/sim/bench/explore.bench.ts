// Explorer throughput on the kernel scenario library: states per second with state hashing
// (the reduced search) beside the full tree of interleavings (unreduced), in the same run.
import { Explorer, Scenarios } from "@mmguard/sim"

const run = (hashing: boolean) => {
  let states = 0
  let ms = 0
  for (const s of Scenarios.all) {
    const r = Explorer.explore(s.spec, { hashing, maxStates: 20_000, maxMillis: 3_000 })
    states += r.states
    ms += r.millis
  }
  return { states, perSecond: states / (ms / 1000) }
}
const reduced = run(true)
const unreduced = run(false)
console.log(
  `BENCH ${JSON.stringify({ name: "sim.explore", value: reduced.perSecond, unit: "states/s", baseline: unreduced.perSecond })}`,
)
console.log(
  `BENCH ${JSON.stringify({ name: "sim.exploreStates", value: reduced.states, unit: "states", baseline: unreduced.states })}`,
)
