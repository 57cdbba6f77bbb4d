// The kernel's munmap under the downgraded lock (P7 rev 2) and rmap walks (issue 11, parts 1-2).
// Library paths are the scenario library's core programs, compiled; the world-level cases that
// core cannot write (a truncation by address, malformed walks) are step programs.
import * as Effect from "effect/Effect"
import { describe, expect, it } from "vitest"
import {
  Compile,
  Explorer,
  isSimError,
  type Program,
  replay,
  Scenarios,
  Scheduler,
  World,
  type WorldSpec,
} from "../src/index.js"
import { api, libfoo as libfooMapping, mm, page, pgoff } from "../src/scenarios/kernel.js"

const { ANON, FILE, layout, task } = Scenarios
const { fault, munmap, ptdump, reclaim, truncate } = Scenarios.paths

/** A world of the library's layout running step programs. */
const steps = (...tasks: ReadonlyArray<[string, ReadonlyArray<Program.Step>]>): WorldSpec => ({
  mms: layout,
  tasks: tasks.map(([name, program]) => ({ name, mm: "proc", program })),
})
/** A world of the library's layout running core programs. */
const world = (...paths: ReadonlyArray<[string, Compile.Program]>): WorldSpec =>
  Scenarios.world(Object.fromEntries(paths))

const ranAlone = (program: Compile.Program | ReadonlyArray<Program.Step>) =>
  Scheduler.run(
    Array.isArray(program) ? steps(["solo", program]) : world(["solo", program as Compile.Program]),
    { kind: "roundRobin" },
  )

/** The older munmap of [start, end): all of it under the mmap write lock. */
const munmapWriteLocked = (start: number, end: number): Compile.Program =>
  api.mmapWriteLock(mm, (lock) =>
    Effect.gen(function* () {
      const vma = yield* api.findVma(lock, page(start))
      const detached = yield* api.vmaStartWrite(vma, api.detachVma(vma))
      yield* api.zapRange(vma, page(start), page(end))
      yield* api.freePgtables(lock, page(start), page(end), detached)
    }),
  )

/** A munmap that downgrades before detaching: the detach needs the write locks (L7). */
const downgradeFirst: Compile.Program = api.mmapWriteDowngrade(mm, (lock) =>
  // @ts-expect-error LockRequired<"MmapWriteLock", "proc">
  api.downgradePhases(api.findVma(lock, page(ANON)), (vma) => api.detachVma(vma)),
)

/** The walk of libfoo's pages without its i_mmap lock: head, end, and the label it leaves to. */
const walkHead: Program.Step = {
  op: "rmapWalk",
  lock: "iMmap",
  file: "libfoo",
  first: 2048,
  last: 2559,
  done: "out",
  label: "each",
}

const proc = (w: World) => w.mms.get("proc")
const libfoo = (w: World) => w.files.get("libfoo")?.iMmap

describe("munmap under the downgraded mmap lock (P7 rev 2)", () => {
  it("detach under the write lock, downgrade, zap, free under the read lock: accepted", () => {
    const before = Scheduler.run(steps(), { kind: "roundRobin" })
    const w = ranAlone(munmap("file"))
    expect(w.violations).toEqual([])
    expect(w.finished()).toBe(true)
    expect(proc(w)?.find(FILE)).toBeUndefined()
    // free_pgtables unlinked the VMA from i_mmap and freed the file range's PTE table.
    expect(libfoo(w)?.size).toBe(0)
    expect(proc(w)?.pt.pteTablePfn(2048)).toBeUndefined()
    expect(proc(before)?.pt.pteTablePfn(2048)).toBeDefined()
  })

  it("the write-locked form stays valid, racing the same tasks", () => {
    for (const [start, end, addr] of [
      [512, 1024, ANON],
      [2048, 2560, FILE],
    ] as const) {
      const r = Explorer.explore(
        world(
          ["munmap", munmapWriteLocked(start, end)],
          ["fault", fault(addr)],
          ["ptdump", ptdump],
        ),
      )
      expect(r.violation).toBeUndefined()
      expect(r.verdict).toBe("safe")
    }
  })

  it("is safe racing a fault, an rmap walker and the non-VMA walker at once", {
    timeout: 120_000,
  }, () => {
    const r = Explorer.explore(
      world(
        ["munmap", munmap("file")],
        ["fault", fault(FILE)],
        ["truncate", truncate],
        ["ptdump", ptdump],
      ),
      { maxMillis: 100_000 },
    )
    expect(r.violation).toBeUndefined()
    expect(r.verdict).toBe("safe")
  })

  it("a free under the read lock while the VMA is still attached is P7, naming the VMA", () => {
    const attached = Scenarios.all
      .find((s) => s.id === "munmap")
      ?.variants.find((v) => v.id === "free-attached")?.paths.munmap as Compile.Program
    const w = ranAlone(attached)
    expect(w.violations[0]).toMatchObject({ rule: "P7", kind: "rule" })
    expect(w.violations[0]?.message).toMatch(
      /VMA \d+ \[512, 1024\) spanning the range is still attached/,
    )
  })

  it("a free under the read lock of a range the task did not detach is P7", () => {
    const w = ranAlone([
      { op: "lock", lock: "mmap", mode: "read" },
      { op: "do", action: "freePgtables", addr: 4096, end: 4608 },
      { op: "unlock", lock: "mmap", mode: "read" },
    ])
    expect(w.violations[0]).toMatchObject({ rule: "P7", kind: "rule" })
    expect(w.violations[0]?.message).toContain("did not detach")
  })

  it("a free with no mmap lock at all fails core's row (P7)", () => {
    const w = ranAlone([{ op: "do", action: "freePgtables", addr: 4096, end: 4608 }])
    expect(w.violations[0]).toMatchObject({ rule: "P7", kind: "rule" })
  })

  it("free_pgtables waits for an rmap walker's lock to unlink the VMA, then frees", () => {
    const spec = world(["truncate", truncate], ["munmap", munmap("file")])
    // The walker takes i_mmap and binds the VMA; munmap finds, write-locks and detaches the VMA,
    // downgrades, zaps, then sleeps in free_pgtables.
    const w = replay(spec, [0, 0, 1, 1, 1, 1, 1, 1, 1])
    expect(w.tasks[1]).toMatchObject({ status: "blocked" })
    expect(w.tasks[1]?.program[w.tasks[1]?.pc ?? 0]).toMatchObject({ action: "freePgtables" })
    expect(libfoo(w)?.size).toBe(1)
    // The walker zaps the detached VMA it bound (no false P4), ends the walk and unlocks.
    for (const m of [0, 0, 0, 0]) w.step(m)
    expect(w.tasks[0]?.status).toBe("done")
    expect(w.runnable()).toEqual([1])
    while (!w.finished()) w.step(1)
    expect(w.violations).toEqual([])
    expect(w.finished()).toBe(true)
    expect(libfoo(w)?.size).toBe(0)
  })

  it("the scenario library's munmap is this one, and its variants are caught with their rule", () => {
    const sc = Scenarios.all.find((s) => s.id === "munmap")
    expect(sc?.spec.tasks.map((t) => t.name)).toEqual(["munmap", "fault", "truncate", "ptdump"])
    expect(sc?.spec.tasks[0]?.program.some((s) => s.op === "mmapWriteDowngrade")).toBe(true)
    expect(sc?.variants.map((v) => [v.id, v.expected.rule])).toEqual([
      ["no-zap", "P7"],
      ["free-attached", "P7"],
    ])
  })

  it("detaching after mmap_write_downgrade, under the read lock, is caught with L7", () => {
    const w = ranAlone(downgradeFirst)
    expect(w.violations[0]).toMatchObject({ rule: "L7", kind: "rule" })
  })
})

describe("rmap walks (vma_interval_tree_foreach, anon_vma_interval_tree_foreach)", () => {
  it("truncation by address racing munmap is a false P4; the rmap walk is safe", () => {
    // Truncation naming its VMA by address: core cannot write it (a VMA handle comes from a
    // lookup or a walk), so it is a step program.
    const byAddress = Explorer.explore({
      mms: layout,
      tasks: [
        {
          name: "truncate",
          mm: "proc",
          program: [
            { op: "lock", lock: "iMmap", file: "libfoo", mode: "read" },
            { op: "do", action: "zapRange", addr: 2048, end: 2560 },
            { op: "unlock", lock: "iMmap", file: "libfoo", mode: "read" },
          ],
        },
        task("munmap", munmap("file")),
      ],
    })
    expect(byAddress.violation).toMatchObject({ rule: "P4", kind: "rule" })
    const walk = Explorer.explore(world(["truncate", truncate], ["munmap", munmap("file")]))
    expect(walk.verdict).toBe("safe")
  })

  it("visits every VMA mapping the range, in tree order, with addresses translated by pgoff", () => {
    // libfoo's pages 2048.. are mapped twice: at 2048 and, by a second VMA, at 4096.
    let spec: WorldSpec = {
      mms: [
        {
          name: "proc",
          vmas: [
            { start: 2048, end: 2560, file: "libfoo", mapped: [2050, 2200] },
            { start: 4096, end: 4608, file: "libfoo", pgoff: 2048, mapped: [4098, 4248] },
            { start: 8192, end: 8704, file: "other", mapped: [8194] },
          ],
        },
      ],
      tasks: [],
    }
    const zapHead = api.iMmapLockRead(libfooMapping, (locked) =>
      api.vmaIntervalTreeForeach(locked, pgoff(2048), pgoff(2559), (vma) =>
        api.zapRange(vma, page(2048), page(2101)),
      ),
    )
    const c = Compile.compile(zapHead, { name: "truncate", mms: spec.mms })
    if (c instanceof Compile.CompileError) throw c
    spec = { ...spec, tasks: [c.task] }
    const w = new World(spec)
    const bound: Array<unknown> = []
    while (!w.finished()) {
      const walk = w.tasks[0]?.walk
      if (w.tasks[0]?.pc === 2 && walk) bound.push(walk.vmas[walk.index])
      w.step(0)
    }
    // The two VMAs of "libfoo" overlapping the range, in tree order; "other" is not visited.
    expect(bound).toEqual([
      ["proc", 1],
      ["proc", 2],
    ])
    expect(w.violations).toEqual([])
    const pt = proc(w)?.pt
    // [2048, 2101) of the file: zapped in both VMAs; the rest and the other file untouched.
    expect([2050, 4098].map((p) => pt?.read(p))).toEqual([0, 0])
    expect([2200, 4248, 8194].every((p) => pt?.read(p) !== 0)).toBe(true)
  })

  it("binds the VMA for the body: its locks and lookups resolve to it (rmap-stabilised)", () => {
    const w = new World(world(["truncate", truncate], ["munmap", munmap("file")]))
    for (const m of [0, 0, 1, 1, 1, 1]) w.step(m) // walker bound the VMA; munmap detached it
    expect(proc(w)?.find(FILE)).toBeUndefined()
    expect(w.tasks[0]?.walk).toMatchObject({ head: 1, index: 0 })
    expect(w.vmaFor(0, FILE)?.start).toBe(2048)
    expect(w.vmaFor(1, FILE)?.start).toBe(2048) // munmap sees the VMA it detached
  })

  it("a walk without the tree's rmap lock is reported (L4); reading the VMAs then fails L6", () => {
    const w = ranAlone([
      walkHead,
      { op: "rmapWalkNext", walk: "each" },
      { op: "goto", to: "end", label: "out" },
    ])
    expect(w.violations[0]).toMatchObject({ rule: "L4", kind: "misuse" })
    expect(w.violations[1]).toMatchObject({ rule: "L6", kind: "rule" })
  })

  it("an rmap walker that installs is caught with P3, racing munmap or alone", () => {
    const v = Scenarios.all
      .find((s) => s.id === "truncate")
      ?.variants.find((x) => x.id === "install-under-rmap")
    const r = Explorer.explore(v?.spec as WorldSpec)
    expect(r.violation).toMatchObject({ rule: "P3", kind: "rule" })
  })

  it("reclaim walking the anon_vma, racing the kernel's munmap of the VMA, is safe", () => {
    // The page's anon_vma outlives the VMA's place in the mm: no false "no anon_vma" (L4).
    const r = Explorer.explore(world(["reclaim", reclaim], ["munmap", munmap("anon")]))
    expect(r.violation).toBeUndefined()
    expect(r.verdict).toBe("safe")
  })

  it("an anon_vma walk (reclaim) binds the anonymous VMAs of the anon_vma", () => {
    const sc = Scenarios.all.find((s) => s.id === "reclaim")
    const w = Scheduler.run(sc?.spec as WorldSpec, { kind: "roundRobin" })
    expect(w.violations).toEqual([])
    expect(sc?.spec.tasks[0]?.program.some((s) => s.op === "rmapWalk")).toBe(true)
  })

  it("the validator checks the loop's shape", () => {
    const bad = (program: ReadonlyArray<unknown>) => World.make(steps(["w", program as never]))
    const head = walkHead
    expect(bad([head, { op: "rcuReadLock", label: "out" }])).toMatchObject({
      kind: "InvalidProgram",
      step: 0,
      path: ["label"],
    })
    expect(bad([{ op: "rmapWalkNext", walk: "each" }])).toMatchObject({ step: 0, path: ["walk"] })
    expect(
      bad([
        { ...head, first: 10, last: 5 },
        { op: "rmapWalkNext", walk: "each", label: "out" },
      ]),
    ).toMatchObject({
      path: ["last"],
    })
    const nested = [
      head,
      { ...head, label: "inner" },
      { op: "rmapWalkNext", walk: "inner" },
      { op: "rmapWalkNext", walk: "each", label: "out" },
    ]
    expect(bad(nested)).toMatchObject({ step: 1, path: ["op"] })
    expect(
      bad([
        { ...head, lock: "mmap" },
        { op: "rmapWalkNext", walk: "each", label: "out" },
      ]),
    ).toMatchObject({
      path: ["lock"],
      message: expect.stringContaining('walks the tree of "iMmap" or "anonVma", got "mmap"'),
    })
    expect(isSimError(bad([head, { op: "rmapWalkNext", walk: "each", label: "out" }]))).toBe(false)
    // An external driver cannot loop: World.act refuses the walk steps.
    const w = new World(steps(["driver", []]))
    expect(w.act(0, head)).toMatchObject({ kind: "InvalidProgram", path: ["op"] })
  })
})
