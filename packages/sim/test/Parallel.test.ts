import { execFileSync } from "node:child_process"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import fc from "fast-check"
import { beforeAll, describe, expect, it } from "vitest"
import type * as Sim from "../src/index.js"
import { Explorer, Scenarios } from "../src/index.js"
import { spec, wellFormed } from "./programs.js"

// Worker threads load the built ExploreWorker.js, so these tests run the built package.
const root = join(dirname(fileURLToPath(import.meta.url)), "..")
let built: typeof Sim
beforeAll(async () => {
  execFileSync("pnpm", ["exec", "tsc", "-b"], { cwd: root, stdio: "inherit" })
  built = (await import(join(root, "dist", "index.js"))) as typeof Sim
}, 120_000)

const variants = Scenarios.all.flatMap((s) => s.variants)
const same = (a: Explorer.Exploration, b: Explorer.Exploration) => {
  expect(b.verdict).toBe(a.verdict)
  expect(b.schedule).toEqual(a.schedule)
  expect(b.violation?.rule).toBe(a.violation?.rule)
  // Each job has its own state hashing: a complete search counts the same states anywhere.
  if (a.verdict === "safe") expect(b.states).toBe(a.states)
}

// No clock decides these answers: on a loaded machine (the full suite on 2 shared cores) worker
// start-up alone can take seconds, and a run out of time answers "budget".
const untimed = { maxMillis: 600_000 }

describe("Explorer.exploreParallel", () => {
  it("gives explore's verdict and shrunk counterexample on 2 and 3 worker threads", async () => {
    for (const v of variants) {
      const one = built.Explorer.explore(v.spec, untimed)
      for (const threads of [2, 3]) {
        const r = await built.Explorer.exploreParallel(v.spec, { ...untimed, threads })
        same(one, r)
      }
    }
    const safe = Scenarios.all.find((s) => s.id === "page-fault")?.spec
    if (safe === undefined) throw new Error("scenario page-fault is gone")
    const r = await built.Explorer.exploreParallel(safe, { ...untimed, threads: 2 })
    expect([r.verdict, r.threads]).toEqual(["safe", 2])
    expect(r.states).toBe(built.Explorer.explore(safe, untimed).states)
  }, 300_000)

  it("searches as the budget says in the workers too (symmetry off)", async () => {
    // Two page faults on neighbouring pages, interchangeable, beside mprotect and reclaim.
    const { fault, mprotect, reclaim } = Scenarios.paths
    const { task } = Scenarios
    const s = {
      mms: Scenarios.layout,
      tasks: [
        task("mprotect", mprotect(600)),
        task("reclaim", reclaim),
        task("fault0", fault(601)),
        task("fault1", fault(602)),
      ],
    }
    for (const symmetry of [true, false]) {
      const one = built.Explorer.explore(s, { ...untimed, symmetry })
      const two = await built.Explorer.exploreParallel(s, { ...untimed, symmetry, threads: 2 })
      expect([two.verdict, two.states]).toEqual(["safe", one.states])
    }
    // The option changes the search, so the equal counts above say the workers heeded it.
    const plain = built.Explorer.explore(s, { ...untimed, symmetry: false })
    expect(plain.states).not.toBe(built.Explorer.explore(s, untimed).states)
  }, 300_000)

  it("is deterministic on random programs whatever the thread count", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(wellFormed, { minLength: 3, maxLength: 4 }), async (programs) => {
        const s = spec(programs)
        const one = built.Explorer.explore(s, { ...untimed, maxStates: 50_000 })
        fc.pre(one.verdict !== "budget")
        same(
          one,
          await built.Explorer.exploreParallel(s, { ...untimed, threads: 2, maxStates: 50_000 }),
        )
      }),
      { numRuns: 8 },
    )
  }, 300_000)

  it("searches in this thread where worker threads cannot help (an invariant)", async () => {
    const r = await Explorer.exploreParallel(variants[0]?.spec ?? spec([]), {
      threads: 4,
      invariant: () => undefined,
    })
    expect(r.threads).toBe(1)
    expect(r.search).toBe("states")
  })
})

describe("Explorer progress", () => {
  it("reports states, executions, depth and rate while it searches", () => {
    const seen: Array<Explorer.Progress> = []
    const { fault, mprotect, reclaim } = Scenarios.paths
    const programs = [mprotect(600), reclaim, ...[0, 1].map((i) => fault(601 + i))].map(
      (p) => Scenarios.task("t", p).program,
    )
    const r = Explorer.explore(spec(programs), {
      onProgress: (p) => seen.push(p),
      progressMillis: 0,
    })
    expect(r.verdict).toBe("safe")
    expect(seen.length).toBeGreaterThan(0)
    const last = seen[seen.length - 1] as Explorer.Progress
    expect(last.states).toBeGreaterThan(0)
    expect(last.states).toBeLessThanOrEqual(r.states)
    expect(last.depth).toBeGreaterThan(0)
    expect(last.statesPerSecond).toBeGreaterThan(0)
    for (let i = 1; i < seen.length; i++)
      expect((seen[i] as Explorer.Progress).states).toBeGreaterThanOrEqual(
        (seen[i - 1] as Explorer.Progress).states,
      )
  }, 30_000)
})
