import { describe, expect, it } from "vitest"
import {
  Explorer,
  Program,
  replay,
  Scenarios,
  Scheduler,
  type World,
  type WorldSpec,
} from "../src/index.js"

const FILE = 2100
const scenario = Scenarios.all.find((s) => s.id === "pte-map-lock")
if (scenario === undefined) throw new Error("scenario pte-map-lock is gone")
const FAULT = 0
const KHUGEPAGED = 1
// fault: mmap read lock, find_vma, then pte_offset_map_lock's first step (map, inside RCU).
const mapped = [FAULT, FAULT, FAULT]
/** `w` with khugepaged's retract_page_tables run to its end (it takes no lock the fault holds). */
const retracted = (w: World): World => {
  while (w.tasks[KHUGEPAGED]?.status !== "done") w.step(KHUGEPAGED)
  return w
}

describe("pte_offset_map_lock (P11)", () => {
  it("re-reads the PMD entry after locking: a retracted table sends it round again, to its failure branch", () => {
    const w = retracted(replay(scenario.spec, mapped))
    const before = w.mms.get("proc")?.pt.pteTablePfn(FILE)
    expect(before).toBeUndefined()
    while (!w.finished()) w.step(FAULT)
    expect(w.violations).toEqual([])
    // The fault found no table the second time round: pte_alloc_map_lock gave it a new one.
    expect(w.mms.get("proc")?.pt.read(FILE)).not.toBe(0)
    expect(w.mms.get("proc")?.pt.pteTablePfn(FILE)).toBeDefined()
  })

  it("a grace period after the retract waits for the fault's RCU section opened by the map", () => {
    // retract_page_tables frees the table with pte_free_defer; a synchronize_rcu after it waits.
    const spec: WorldSpec = {
      ...scenario.spec,
      tasks: scenario.spec.tasks.map((t) =>
        t.name === "khugepaged" ? { ...t, program: [...t.program, { op: "synchronizeRcu" }] } : t,
      ),
    }
    const w = replay(spec, mapped)
    for (let i = 0; i < 50 && w.runnable().includes(KHUGEPAGED); i++) w.step(KHUGEPAGED)
    expect(w.tasks[KHUGEPAGED]?.status).toBe("blocked")
    expect(w.runnable()).toEqual([FAULT])
    expect(w.frames.pendingFrees).toHaveLength(1)
  })

  it("without the re-check the fault installs under the lock of a retracted table, reported as P11", () => {
    const bug = scenario.variants.find((v) => v.id === "no-recheck")?.spec as WorldSpec
    const w = retracted(replay(bug, mapped))
    w.step(FAULT)
    w.step(FAULT)
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
