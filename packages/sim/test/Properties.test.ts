import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  Explorer,
  type Program,
  replay,
  Scenarios,
  Scheduler,
  type WorldSpec,
} from "../src/index.js"

const addr = fc.constantFrom(512, 600, 2048, 2100, 8300, 40_000)
const mode = fc.constantFrom("read" as const, "write" as const)
const target: fc.Arbitrary<Program.LockTarget> = fc.oneof(
  fc.constant({ lock: "mmap" as const }),
  addr.map((a) => ({ lock: "anonVma" as const, addr: a })),
  fc.constant({ lock: "iMmap" as const, file: "libfoo" }),
  fc.constant({ lock: "pageTableLock" as const }),
  addr.map((a) => ({ lock: "pte" as const, addr: a })),
  addr.map((a) => ({ lock: "pmd" as const, addr: a })),
  fc.constant({ lock: "class" as const, cls: "i_rwsem" as const, name: "inode" }),
)
const step: fc.Arbitrary<Program.Step> = fc.oneof(
  fc.tuple(target, mode).map(([t, m]) => ({ op: "lock", mode: m, ...t }) as Program.Step),
  fc.tuple(target, mode).map(([t, m]) => ({ op: "unlock", mode: m, ...t }) as Program.Step),
  fc
    .tuple(target, mode)
    .map(([t, m]) => ({ op: "trylock", mode: m, onFail: "end", ...t }) as Program.Step),
  addr.map((a) => ({ op: "lockVmaUnderRcu", addr: a, onFail: "end" }) as const),
  addr.map((a) => ({ op: "vmaEndRead", addr: a }) as const),
  addr.map((a) => ({ op: "vmaStartWrite", addr: a }) as const),
  fc.constantFrom<Program.Step>(
    { op: "mmapWriteDowngrade" },
    { op: "rcuReadLock" },
    { op: "rcuReadUnlock" },
    { op: "synchronizeRcu" },
  ),
  fc
    .tuple(
      fc.constantFrom(
        "installPte",
        "zapRange",
        "changeAccessDirty",
        "freePgtables",
        "movePageTables",
        "retractPteTable",
        "setAnonVma",
        "detachVma",
        "walk",
      ),
      addr,
    )
    .map(([action, a]) => ({ op: "do", action, addr: a, end: a + 512, to: 4096 }) as Program.Step),
  addr.map((a) => ({ op: "writeVma", addr: a, field: "vm_flags", value: [] }) as const),
)
const spec = (programs: ReadonlyArray<ReadonlyArray<Program.Step>>): WorldSpec => ({
  mms: Scenarios.layout,
  tasks: programs.map((program, i) => ({ name: `t${i}`, mm: "proc", program })),
})

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
  })

  it("every safe scenario stays safe under 500 random schedules each", () => {
    for (const sc of Scenarios.all)
      for (let seed = 0; seed < 500; seed++) {
        const w = Scheduler.run(sc.spec, { kind: "random", seed })
        if (w.violations.length > 0)
          expect.fail(`${sc.id} seed ${seed}: ${w.violations[0]?.message}`)
      }
  })
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
})
