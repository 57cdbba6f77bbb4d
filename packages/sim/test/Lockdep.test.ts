import { Rules } from "@mmguard/core"
import { describe, expect, it } from "vitest"
import { orderedBefore, type Program, Scenarios, Scheduler, type WorldSpec } from "../src/index.js"

const lock = (cls: Rules.LockClass, name: string) => ({ lock: "class", cls, name }) as const
const nest = (a: ReturnType<typeof lock>, b: ReturnType<typeof lock>): Array<Program.Step> => [
  { op: "lock", ...a },
  { op: "lock", ...b },
  { op: "unlock", ...b },
  { op: "unlock", ...a },
]

describe("lockdep (O3)", () => {
  it("reports an inversion seen across runs of two tasks, with both acquisition chains, though nothing deadlocked", () => {
    // Two classes the O1/O2 lists do not order: only the observed order can be broken.
    expect(orderedBefore("lru_lock", "sb_lock") || orderedBefore("sb_lock", "lru_lock")).toBe(false)
    const lru = lock("lru_lock", "lruvec")
    const sb = lock("sb_lock", "super")
    const spec: WorldSpec = {
      mms: Scenarios.layout,
      tasks: [
        { name: "first", mm: "proc", program: nest(lru, sb) },
        { name: "second", mm: "proc", program: nest(sb, lru) },
      ],
    }
    // first runs to its end, then second: no deadlock is possible in this order.
    const w = Scheduler.run(spec, { kind: "explicit", schedule: [0, 0, 0, 0, 1, 1, 1, 1] })
    expect(w.finished()).toBe(true)
    const v = w.violations.find((x) => x.kind === "order")
    expect(v?.rule).toBe("O3")
    expect(v?.message).toContain(
      "now second: sb_lock:super (sb_lock) -> lru_lock:lruvec (lru_lock); earlier first: lru_lock:lruvec (lru_lock) -> sb_lock:super (sb_lock)",
    )
    expect(w.violations.filter((x) => x.kind === "order")).toHaveLength(1)
  })

  // Every pair a chain of O1, O2 or O4 orders, read from core's table (nothing restated here).
  const pairs = Rules.Ordering.flatMap((rule) =>
    rule.chains.flatMap((chain) =>
      chain.slice(1).map((b, i) => ({ rule: rule.id, a: chain[i] as Rules.LockClass, b })),
    ),
  )
  it("reads every chain of O1, O2 (the whole filemap.c comment) and O4 from core's rule table", () => {
    expect(new Set(pairs.map((p) => p.rule))).toEqual(new Set(["O1", "O2", "O4"]))
    // O4: memory_failure's tasklist_lock and hugetlbfs' fault mutex and VMA lock are ordered.
    expect(orderedBefore("anon_vma_rwsem", "tasklist_lock")).toBe(true)
    expect(orderedBefore("tasklist_lock", "page_table_lock")).toBe(true)
    expect(orderedBefore("hugetlb_fault_mutex", "hugetlb_vma_lock")).toBe(true)
    // O2 rev 2: anon_vma_prepare's anon_vma lock before page_table_lock; the PTE lock before
    // the i_pages lock (zap_pte_range) and bdi.wb->list_lock before sb_lock.
    expect(orderedBefore("anon_vma_rwsem", "page_table_lock")).toBe(true)
    expect(orderedBefore("page_table_lock", "i_pages_lock")).toBe(true)
    expect(orderedBefore("wb_list_lock", "sb_lock")).toBe(true)
  })

  for (const { rule, a, b } of pairs) {
    const both = orderedBefore(a, b) === orderedBefore(b, a)
    it(`${rule}: taking ${a} while holding ${b} is ${both ? "left to the observed order (documented both ways)" : "an inversion"}`, () => {
      const spec: WorldSpec = {
        mms: Scenarios.layout,
        tasks: [{ name: "t", mm: "proc", program: nest(lock(b, "y"), lock(a, "x")) }],
      }
      const w = Scheduler.run(spec, { kind: "roundRobin" })
      const order = w.violations.filter((x) => x.kind === "order")
      if (both) expect(order).toEqual([])
      else {
        expect(order[0]?.rule).toBe("O3")
        expect(order[0]?.message).toContain(`${a} taken while holding ${b}`)
      }
    })
  }
})
