import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Explorer, replay, Scenarios, type World, type WorldSpec } from "../src/index.js"
import { spec, step, wellFormed } from "./programs.js"

const full = { hashing: false, sleepSets: false, maxStates: 200_000 } as const
const variants = Scenarios.all.flatMap((s) =>
  s.variants.map((v) => ({ ...v, id: `${s.id}/${v.id}` })),
)

describe("Explorer reductions", () => {
  it("state hashing and sleep sets give the unreduced verdict on every random program set", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(fc.array(step, { maxLength: 4 }), { minLength: 2, maxLength: 3 }),
          fc.array(wellFormed, { minLength: 2, maxLength: 2 }),
        ),
        (programs) => {
          const s = spec(programs)
          const base = Explorer.explore(s, full)
          fc.pre(base.verdict !== "budget")
          for (const budget of [{}, { hashing: false }, { sleepSets: false }]) {
            const r = Explorer.explore(s, budget)
            expect(r.verdict).toBe(base.verdict)
            expect(r.states).toBeLessThanOrEqual(base.states)
          }
        },
      ),
      { numRuns: 300 },
    )
  })

  it("every reduction still reaches every state the full tree reaches (safe scenarios and programs)", () => {
    const reached = (s: WorldSpec, budget: Explorer.Budget) => {
      const seen = new Set<string>()
      const r = Explorer.explore(s, {
        ...budget,
        invariant: (w) => {
          seen.add(w.fingerprint())
          return undefined
        },
      })
      return { verdict: r.verdict, seen }
    }
    for (const sc of Scenarios.all) {
      const base = reached(sc.spec, full)
      for (const budget of [{}, { hashing: false }, { sleepSets: false }])
        expect(reached(sc.spec, budget).seen, sc.id).toEqual(base.seen)
    }
    fc.assert(
      fc.property(fc.array(wellFormed, { minLength: 2, maxLength: 2 }), (programs) => {
        const s = spec(programs)
        const base = reached(s, full)
        fc.pre(base.verdict === "safe")
        for (const budget of [{}, { hashing: false }, { sleepSets: false }])
          expect(reached(s, budget).seen).toEqual(base.seen)
      }),
      { numRuns: 100 },
    )
  })

  it("an invariant of your own ends the search with a replayable, shrunk counterexample", () => {
    const sc = Scenarios.all.find((x) => x.id === "munmap")
    if (sc === undefined) throw new Error("scenario munmap is gone")
    const invariant = (w: World) =>
      w.mms.get("proc")?.pt.read(512) === 0 ? "page 512 got unmapped" : undefined
    const r = Explorer.explore(sc.spec, { invariant })
    expect(r.violation).toMatchObject({ kind: "assert", rule: "invariant" })
    const again = replay(sc.spec, r.schedule ?? [])
    expect(invariant(again)).toBe("page 512 got unmapped")
  })

  it("sleep sets alone explore fewer interleavings of the kernel scenarios than the full tree", () => {
    for (const sc of Scenarios.all) {
      const slept = Explorer.explore(sc.spec, { hashing: false })
      const tree = Explorer.explore(sc.spec, full)
      expect([slept.verdict, tree.verdict]).toEqual(["safe", "safe"])
      expect(slept.states).toBeLessThan(tree.states)
    }
  })

  it("finds a deadlock (ABBA on two lock classes) with every reduction", () => {
    const take = (a: string, b: string) =>
      [a, b, b, a].map((name, i) => ({
        op: i < 2 ? "lock" : "unlock",
        lock: "class",
        cls: "i_rwsem",
        name,
      })) as never
    const s: WorldSpec = {
      mms: Scenarios.layout,
      tasks: [
        { name: "ab", mm: "proc", program: take("a", "b") },
        { name: "ba", mm: "proc", program: take("b", "a") },
      ],
    }
    for (const budget of [{}, { hashing: false }, { sleepSets: false }, full]) {
      const r = Explorer.explore(s, budget)
      expect(r.verdict).toBe("violation")
      expect(r.violation?.kind).toBe("deadlock")
    }
  })
})

describe("Explorer budgets", () => {
  it("a spinning task drives the unreduced search 50k steps deep without overflowing the stack", () => {
    const x = { lock: "class", cls: "i_rwsem", name: "x" } as const
    const s: WorldSpec = {
      mms: Scenarios.layout,
      tasks: [
        {
          name: "spin",
          mm: "proc",
          program: [
            { op: "trylock", ...x, onFail: "again", label: "again" },
            { op: "unlock", ...x },
          ],
        },
        {
          name: "hold",
          mm: "proc",
          program: [
            { op: "lock", ...x },
            { op: "goto", to: "h", label: "h" },
          ],
        },
      ],
    }
    const deep = Explorer.explore(s, { hashing: false, sleepSets: false, maxDepth: 50_000 })
    expect(deep.verdict).toBe("budget")
    // With state hashing the spin loop folds into a handful of states.
    expect(Explorer.explore(s).verdict).toBe("safe")
  })
})

describe("Explorer schedules", () => {
  for (const v of variants)
    it(`${v.id}: the schedule returned replays to the same rule, shrunk`, () => {
      const r = Explorer.explore(v.spec, { maxStates: 50_000 })
      const schedule = r.schedule ?? []
      const again = replay(v.spec, schedule).violations[0]
      expect(again).toMatchObject({ rule: v.expected.rule, kind: v.expected.kind })
      // No single step can be dropped: each removal loses the violation.
      for (let i = 0; i < schedule.length; i++) {
        const shorter = [...schedule.slice(0, i), ...schedule.slice(i + 1)]
        const lost = replay(v.spec, shorter).violations[0]
        if (lost?.rule === again?.rule && lost?.kind === again?.kind)
          expect(lost?.trace.length).toBeGreaterThanOrEqual(schedule.length)
      }
    })

  it("shrink drops the steps of a bystander task that has nothing to do with the bug", () => {
    const v = variants.find((x) => x.id === "munmap/no-zap")
    if (v === undefined) throw new Error("scenario munmap/no-zap is gone")
    const lock = { lock: "class", cls: "i_rwsem", name: "elsewhere" } as const
    const bystander = [
      { op: "lock", ...lock },
      { op: "unlock", ...lock },
    ] as const
    const s: WorldSpec = {
      ...v.spec,
      tasks: [
        ...v.spec.tasks,
        { name: "bystander", mm: "proc", program: [...bystander, ...bystander] },
      ],
    }
    const id = v.spec.tasks.length
    const schedule = Explorer.explore(v.spec).schedule ?? []
    const long = replay(s, [id, id, id, id, ...schedule]).violations[0]
    if (long === undefined) throw new Error("the padded schedule lost the violation")
    const short = Explorer.shrink(s, long)
    expect(short.schedule).not.toContain(id)
    expect(short.schedule.length).toBeLessThanOrEqual(schedule.length)
    expect(short.violation.rule).toBe(v.expected.rule)
  })
})

describe("Explorer.dependent", () => {
  const fp = (reads: Array<string>, writes: Array<string>) => ({ reads, writes })
  it("steps on different locks commute; a shared lock or memory written by one does not", () => {
    expect(Explorer.dependent(fp([], ["mmap:proc"]), fp([], ["anon:1"]))).toBe(false)
    expect(Explorer.dependent(fp([], ["anon:1"]), fp([], ["anon:1"]))).toBe(true)
    expect(Explorer.dependent(fp(["mem"], []), fp(["mem"], []))).toBe(false)
    expect(Explorer.dependent(fp(["mem"], []), fp([], ["mem"]))).toBe(true)
  })
})
