import { describe, expect, it } from "vitest"
import { Explorer, Program, replay, Scenarios, Scheduler, type WorldSpec } from "../src/index.js"

const FILE = 2100
const scenario = Scenarios.all.find((s) => s.id === "pte-map-lock")
if (scenario === undefined) throw new Error("scenario pte-map-lock is gone")
const FAULT = 0
const KHUGEPAGED = 1
// fault: mmap read lock, find_vma, then pte_offset_map_lock's first step (map, inside RCU).
const mapped = [FAULT, FAULT, FAULT]
// khugepaged: i_mmap, pmd and pte locks, retract, three unlocks, then synchronize_rcu waits.
const retracted = Array.from({ length: 8 }, () => KHUGEPAGED)

describe("pte_offset_map_lock (P11)", () => {
  it("re-reads the PMD entry after locking: a retracted table sends it round again, to its failure branch", () => {
    const w = Scheduler.run(scenario.spec, {
      kind: "explicit",
      schedule: [...mapped, ...retracted, FAULT, FAULT, FAULT, FAULT, KHUGEPAGED],
    })
    expect(w.violations).toEqual([])
    expect(w.finished()).toBe(true)
    // The fault found no table the second time round and installed nothing.
    expect(w.mms.get("proc")?.pt.read(FILE)).toBe(0)
    expect(w.mms.get("proc")?.pt.pteTablePfn(FILE)).toBeUndefined()
  })

  it("khugepaged's grace period waits for the fault's RCU section opened by the map", () => {
    const w = Scheduler.run(scenario.spec, {
      kind: "explicit",
      schedule: [...mapped, ...retracted],
    })
    expect(w.runnable()).toEqual([FAULT])
    expect(w.frames.pendingFrees).toHaveLength(1)
  })

  it("without the re-check the fault installs under the lock of a retracted table, reported as P11", () => {
    const bug = scenario.variants.find((v) => v.id === "no-recheck")?.spec as WorldSpec
    const w = Scheduler.run(bug, {
      kind: "explicit",
      schedule: [...mapped, ...retracted, FAULT, FAULT],
    })
    expect(w.violations[0]).toMatchObject({ rule: "P11", kind: "rule" })
    expect(w.violations[0]?.message).toMatch(/re-read the PMD entry after locking/)
    const found = Explorer.explore(bug)
    expect(replay(bug, found.schedule ?? []).violations[0]?.rule).toBe("P11")
  })

  it("the split PTE lock belongs to the table page: a new table at the same address has another lock", () => {
    const steps: ReadonlyArray<Program.Step> = [
      { op: "lock", lock: "pte", addr: FILE },
      { op: "do", action: "retractPteTable", addr: FILE },
      { op: "lock", lock: "pmd", addr: FILE },
      { op: "do", action: "installPte", addr: FILE },
    ]
    const s: WorldSpec = {
      mms: Scenarios.layout,
      tasks: [{ name: "t", mm: "proc", program: steps }],
    }
    const w = Scheduler.run(s, { kind: "roundRobin" })
    // Installing into the table allocated after the retract, holding only the old table's lock.
    expect(w.violations.map((v) => v.rule)).toContain("P11")
  })

  it("pte_unmap_unlock without the PTE lock is a misuse, not a crash", () => {
    const s: WorldSpec = {
      mms: Scenarios.layout,
      tasks: [{ name: "t", mm: "proc", program: [{ op: "pteUnmapUnlock", addr: FILE }] }],
    }
    const w = Scheduler.run(s, { kind: "roundRobin" })
    expect(w.violations[0]).toMatchObject({ kind: "misuse", rule: "P11" })
    expect(Program.show({ op: "pteOffsetMapLock", addr: FILE, onFail: "out" })).toBe(
      "pte_offset_map_lock(2100) else goto out",
    )
  })
})

describe("pmd_lock (P9)", () => {
  it("the split PMD lock belongs to the PMD table: a PUD-level move carries it to the new address", () => {
    const GIB = 262_144 // pages per PUD entry on x86-64
    const s: WorldSpec = {
      mms: [{ name: "proc", vmas: [{ start: GIB, end: 2 * GIB, anon: true, mapped: [GIB + 5] }] }],
      tasks: [
        { name: "holder", mm: "proc", program: [{ op: "lock", lock: "pmd", addr: GIB }] },
        {
          name: "mover",
          mm: "proc",
          program: [{ op: "do", action: "movePageTables", addr: GIB, end: 2 * GIB, to: 3 * GIB }],
        },
      ],
    }
    const w = Scheduler.run(s, { kind: "explicit", schedule: [0, 1] })
    const holder = w.tasks[0]
    if (holder === undefined) throw new Error("no holder")
    expect(w.mms.get("proc")?.pt.read(3 * GIB + 5)).not.toBe(0)
    expect(w.lockState(holder, undefined, 3 * GIB).pmdLock).toBe("held")
    expect(w.lockState(holder, undefined, GIB).pmdLock).toBeUndefined()
  })
})
