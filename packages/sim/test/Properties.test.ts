import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Explorer, replay, Scenarios, Scheduler, World, type WorldSpec } from "../src/index.js"
import { spec, step } from "./programs.js"

const variantSpecs = Scenarios.all.flatMap((s) => s.variants.map((v) => v.spec))

describe("scheduler and checker properties", () => {
  it("random programs never crash the scheduler, and every violation replays from its trace", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(step, { maxLength: 12 }), { minLength: 1, maxLength: 3 }),
        fc.integer(),
        (programs, seed) => {
          const s = spec(programs)
          const w = Scheduler.run(s, { kind: "random", seed }, 400)
          for (const v of w.violations) {
            const again = replay(s, v.trace)
            expect(again.violations.map((x) => `${x.rule} ${x.message}`)).toContain(
              `${v.rule} ${v.message}`,
            )
          }
        },
      ),
      { numRuns: 300 },
    )
  })

  it("the same seed gives the same run", () => {
    const s = Scenarios.all[0]?.spec as WorldSpec
    const a = Scheduler.run(s, { kind: "random", seed: 42 })
    const b = Scheduler.run(s, { kind: "random", seed: 42 })
    expect(a.trace).toEqual(b.trace)
  })

  it("a program set the explorer calls safe shows no violation under 10k seeded random schedules", () => {
    const s = Scenarios.all.find((x) => x.id === "page-fault")?.spec as WorldSpec
    expect(Explorer.explore(s).verdict).toBe("safe")
    for (let seed = 0; seed < 10_000; seed++) {
      const w = Scheduler.run(s, { kind: "random", seed })
      if (w.violations.length > 0) expect.fail(`seed ${seed}: ${w.violations[0]?.message}`)
      expect(w.finished()).toBe(true)
    }
  }, 120_000)

  it("every safe scenario stays safe under 500 random schedules each", () => {
    for (const sc of Scenarios.all)
      for (let seed = 0; seed < 500; seed++) {
        const w = Scheduler.run(sc.spec, { kind: "random", seed })
        if (w.violations.length > 0)
          expect.fail(`${sc.id} seed ${seed}: ${w.violations[0]?.message}`)
      }
  }, 120_000)
})

describe("World.clone", () => {
  it("is a deep copy: stepping the copy leaves the original as it was", () => {
    const s = Scenarios.all.find((x) => x.id === "munmap")?.spec as WorldSpec
    const w = Scheduler.run(s, { kind: "explicit", schedule: [0, 0] })
    const before = w.fingerprint()
    const c = w.clone()
    expect(c.fingerprint()).toBe(before)
    while (c.runnable().length > 0) c.step(c.runnable()[0] as number)
    expect(c.fingerprint()).not.toBe(before)
    expect(w.fingerprint()).toBe(before)
    expect(w.mms.get("proc")?.vmas).toHaveLength(3)
  })

  it("a clone and its original share state until written, yet each stays equal to a replay of its own trace", () => {
    for (const sc of [...Scenarios.all.map((x) => x.spec), ...variantSpecs])
      for (let seed = 0; seed < 20; seed++) {
        const pick = Scheduler.prng(seed)
        const advance = (w: World, n: number) => {
          for (let i = 0; i < n; i++) {
            const ready = w.runnable()
            if (ready.length === 0) return
            w.step(ready[Math.floor(pick() * ready.length)] as number)
          }
        }
        const w = new World(sc)
        advance(w, Math.floor(pick() * 8))
        const c = w.clone()
        advance(w, 1 + Math.floor(pick() * 8))
        advance(c, 1 + Math.floor(pick() * 8))
        for (const x of [w, c]) {
          const again = replay(sc, x.trace)
          expect(x.fingerprint()).toBe(again.fingerprint())
          expect(x.violations.map((v) => v.message)).toEqual(again.violations.map((v) => v.message))
        }
      }
  })
})
