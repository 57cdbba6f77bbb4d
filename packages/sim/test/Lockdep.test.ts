import { describe, expect, it } from "vitest"
import { orderedBefore, type Program, Scenarios, Scheduler, type WorldSpec } from "../src/index.js"

const lock = (cls: "lru_lock" | "sb_lock", name: string) => ({ lock: "class", cls, name }) as const
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
})
