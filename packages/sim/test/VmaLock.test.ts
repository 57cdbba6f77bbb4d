import { describe, expect, it } from "vitest"
import {
  Explorer,
  Move,
  type Program,
  replay,
  Scenarios,
  World,
  type WorldSpec,
} from "../src/index.js"

const ANON = 600
const STACK = 8300
const spec = (...programs: ReadonlyArray<ReadonlyArray<Program.Step>>): WorldSpec => ({
  mms: Scenarios.layout,
  tasks: programs.map((program, i) => ({ name: `t${i}`, mm: "proc", program })),
})
const scenario = (id: string) => {
  const s = Scenarios.all.find((x) => x.id === id)
  if (s === undefined) throw new Error(`scenario ${id} is gone`)
  return s
}
const reader: ReadonlyArray<Program.Step> = [
  { op: "lockVmaUnderRcu", addr: ANON, onFail: "end" },
  { op: "vmaEndRead", addr: ANON },
]

describe("the VMA lock as vm_refcnt (V3, V4, V7)", () => {
  it("a reader's reference raised after the write lock makes detach wait (V7), then the reader fails on vm_lock_seq (V3)", () => {
    const munmap: ReadonlyArray<Program.Step> = [
      { op: "lock", lock: "mmap", mode: "write" },
      { op: "vmaStartWrite", addr: ANON },
      { op: "do", action: "detachVma", addr: ANON },
      { op: "unlock", lock: "mmap", mode: "write" },
    ]
    const w = new World(spec(reader, munmap))
    expect([w.step(1), w.step(1)]).toEqual(["ran", "ran"]) // mmap write, vma_start_write
    expect([w.step(0), w.step(0)]).toEqual(["ran", "ran"]) // lookup, vm_refcnt raised
    expect(w.step(1)).toBe("blocked") // detached, waiting for the reader
    expect(w.mms.get("proc")?.find(ANON)).toBeUndefined()
    expect(w.runnable()).toEqual([0])
    expect(w.step(0)).toBe("done") // write-locked: the reader drops its reference and fails
    expect(w.tasks[0]?.held).toEqual([])
    expect(w.runnable()).toEqual([1])
    expect(w.step(1)).toBe("done")
    expect(w.violations).toEqual([])
  })

  it("vma_start_write waits for readers (V4), and a queued writer makes new readers fail", () => {
    const w = new World(
      spec(reader, reader, [
        { op: "lock", lock: "mmap", mode: "write" },
        { op: "vmaStartWrite", addr: ANON },
        { op: "unlock", lock: "mmap", mode: "write" },
      ]),
    )
    for (let i = 0; i < 3; i++) w.step(0) // t0 holds the VMA read lock
    expect(w.tasks[0]?.held.map((h) => h.kind)).toEqual(["vma"])
    expect([w.step(2), w.step(2)]).toEqual(["ran", "blocked"])
    expect([w.step(1), w.step(1)]).toEqual(["ran", "done"]) // fails at vma_start_read
    expect(w.step(0)).toBe("done") // vma_end_read: the writer is granted
    expect(w.tasks[2]?.status).toBe("runnable")
    expect(w.violations).toEqual([])
  })

  it("a VMA object freed and reused for another range is caught by the re-check, or reported as V7 without it", () => {
    const s = scenario("vma-reuse")
    const munmapThenMmap = (s.spec.tasks[1]?.program.length ?? 0) as number
    const schedule = [0, ...Array<number>(munmapThenMmap).fill(1), ...Array<number>(20).fill(0)]
    const w = replay(s.spec, schedule)
    // The new VMA at 4096 is the object the fault looked up at 600.
    expect(w.mms.get("proc")?.find(4096)?.id).toBe(1)
    expect(w.violations).toEqual([])
    expect(w.finished()).toBe(true)
    const bug = replay(s.variants[0]?.spec as WorldSpec, schedule)
    expect(bug.violations[0]).toMatchObject({ rule: "V7", kind: "rule" })
    expect(bug.violations[0]?.message).toMatch(/now covers \[4096, 4608\)/)
  })
})

describe("VMA objects reused by another mm (V7)", () => {
  // Process "proc" unmaps its anonymous VMA and frees the object; process "other" maps the
  // same range, and the slab hands it the same object. A fault in "proc" that looked the
  // object up before the munmap finds it attached, with the right range, in the wrong mm.
  const munmapAndFree: ReadonlyArray<Program.Step> = [
    { op: "lock", lock: "mmap", mode: "write" },
    { op: "vmaStartWrite", addr: ANON },
    { op: "do", action: "detachVma", addr: ANON },
    { op: "do", action: "zapRange", addr: 512, end: 1024 },
    { op: "do", action: "freePgtables", addr: 512, end: 1024 },
    { op: "do", action: "freeVma", addr: ANON },
    { op: "unlock", lock: "mmap", mode: "write" },
  ]
  const mmapSameRange: ReadonlyArray<Program.Step> = [
    { op: "lock", lock: "mmap", mode: "write" },
    { op: "do", action: "mapVma", addr: 512, end: 1024 },
    { op: "unlock", lock: "mmap", mode: "write" },
  ]
  const faultOf = (recheck: boolean): ReadonlyArray<Program.Step> => [
    { op: "lockVmaUnderRcu", addr: ANON, onFail: "slow", ...(recheck ? {} : { recheck }) },
    { op: "lock", lock: "pte", addr: ANON },
    { op: "do", action: "installPte", addr: ANON },
    { op: "unlock", lock: "pte", addr: ANON },
    { op: "vmaEndRead", addr: ANON },
    { op: "goto", to: "end" },
    { op: "lock", lock: "mmap", mode: "read", label: "slow" },
    { op: "findVma", addr: ANON, onFail: "unlock" },
    { op: "lock", lock: "pte", addr: ANON },
    { op: "do", action: "installPte", addr: ANON },
    { op: "unlock", lock: "pte", addr: ANON },
    { op: "unlock", lock: "mmap", mode: "read", label: "unlock" },
  ]
  const twoMms = (recheck: boolean): WorldSpec => ({
    mms: [...Scenarios.layout, { name: "other", vmas: [{ start: 8192, end: 8704, anon: true }] }],
    tasks: [
      { name: "fault", mm: "proc", program: faultOf(recheck) },
      { name: "munmap", mm: "proc", program: munmapAndFree },
      { name: "mmap", mm: "other", program: mmapSameRange },
    ],
  })
  // The fault looks the object up, then munmap and the other mm's mmap run to the end.
  const schedule = [0, ...Array<number>(munmapAndFree.length).fill(1), 2, 2, 2]

  it("the other mm gets the same object; the re-check of vm_mm makes the fault fall back", () => {
    const w = replay(twoMms(true), [...schedule, ...Array<number>(20).fill(0)])
    const reused = w.mms.get("other")?.find(ANON)
    expect(reused?.id).toBe(1) // the object "proc" mapped first at [512, 1024)
    expect(w.mms.get("proc")?.find(ANON)).toBeUndefined()
    expect(w.violations).toEqual([])
    expect(w.finished()).toBe(true)
  })

  it("without the re-check the fault holds a VMA of another mm: V7, naming that mm", () => {
    const w = replay(twoMms(false), [...schedule, 0, 0, 0, 0])
    expect(w.violations[0]).toMatchObject({ rule: "V7", kind: "rule" })
    expect(w.violations[0]?.message).toMatch(/now belongs to another mm \(other\)/)
  })

  it("a reference raised on the object after the other mm attached it holds up that mm's detach", () => {
    const unmapOther: ReadonlyArray<Program.Step> = [
      ...mmapSameRange,
      { op: "lock", lock: "mmap", mode: "write" },
      { op: "vmaStartWrite", addr: ANON },
      { op: "do", action: "detachVma", addr: ANON },
      { op: "unlock", lock: "mmap", mode: "write" },
    ]
    const spec = { ...twoMms(true), tasks: [...twoMms(true).tasks.slice(0, 2)] }
    const w = new World({
      ...spec,
      tasks: [...spec.tasks, { name: "mmap+munmap", mm: "other", program: unmapOther }],
    })
    w.step(0) // lookup in "proc"
    for (let i = 0; i < munmapAndFree.length; i++) w.step(1)
    for (let i = 0; i < 3; i++) w.step(2) // "other" maps the object
    expect(w.step(0)).toBe("ran") // vma_start_read raises vm_refcnt: the object is attached
    // mmap write lock; vma_start_write waits for the reader from "proc": vm_refcnt is the
    // object's, not the mm's.
    expect([w.step(2), w.step(2)]).toEqual(["ran", "blocked"])
    w.step(0) // the re-check fails: the reader drops its reference and falls back
    expect(w.tasks[2]?.status).toBe("runnable")
  })

  it("every interleaving is safe with the re-check; the explorer finds V7 without it", () => {
    expect(Explorer.explore(twoMms(true)).verdict).toBe("safe")
    const bug = Explorer.explore(twoMms(false))
    expect(bug.verdict).toBe("violation")
    expect(bug.violation?.rule).toBe("V7")
  })
})

describe("vma_start_write_killable (L11) and kill moves", () => {
  const s = scenario("killable-write")
  // fault: lookup, reference, lock (holds the VMA read lock); writer: mmap write, find_vma of
  // both VMAs, stack VMA write lock and flags, then the killable write lock on the faulting
  // VMA: it sleeps.
  const upToWait = [1, 1, 1, 0, 0, 0, 0, 0, 0]

  it("offers a kill move only for a task asleep in a killable wait; after it the mmap and earlier VMA write locks remain", () => {
    const w = replay(s.spec, upToWait)
    const kill = Move.make(0, Move.KILL)
    expect(w.tasks[0]?.status).toBe("blocked")
    expect(w.runnable()).toEqual([1, kill])
    expect(w.footprint(kill).writes).toContain("vma:1")
    expect(w.step(Move.make(1, Move.KILL))).toBe("not-runnable")
    expect(w.step(kill)).toBe("ran")
    const writer = w.tasks[0]
    if (writer === undefined) throw new Error("no writer")
    expect(writer.held.map((h) => `${h.id} ${h.mode}`)).toEqual(["mmap:proc write"])
    expect(w.lockState(writer, w.vmaFor(0, STACK), STACK).vma).toBe("write")
    expect(w.lockState(writer, w.vmaFor(0, ANON), ANON).vma).toBeUndefined()
    // -EINTR: the error path puts the stack VMA's flags back.
    expect(writer.program[writer.pc]).toMatchObject({ op: "writeVma", value: ["read", "write"] })
    expect(w.trace.at(-1)).toBe(kill)
    while (!w.finished()) w.step(w.runnable()[0] as number)
    expect(w.violations).toEqual([])
  })

  it("a writer that ignores -EINTR and writes the VMA is caught with L11", () => {
    const w = replay(s.variants[0]?.spec as WorldSpec, [...upToWait, Move.make(0, Move.KILL), 0])
    expect(w.violations[0]).toMatchObject({ rule: "L11", kind: "rule", task: "writer" })
  })
})
