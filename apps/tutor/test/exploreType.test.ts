// Type puzzles whose program runs against other kernel paths: tsc first, then sim's explorer.
import { describe, expect, it } from "vitest"
import { judgeType } from "../src/engine/judgeType.js"
import { briefOf, type TypePuzzle } from "../src/engine/Puzzle.js"
import { types } from "../src/puzzles/types.js"
import { givingUp } from "./support/answers.js"

const fault = types.find((x) => x.id === "type-fault") as TypePuzzle

describe("type puzzles explored against other paths", () => {
  it("the fault is explored against the library's munmap and mprotect", () => {
    expect(fault.against?.paths.map((t) => t.name)).toEqual(["munmap", "mprotect"])
    // The player is told before solving: the explorer judges too.
    expect(briefOf(fault)).toContain("safe against munmap and mprotect in every interleaving")
    expect(types.find((p) => p.id === "type-munmap")?.against?.paths.map((t) => t.name)).toEqual([
      "fault",
    ])
  })

  it("a fault that type-checks but gives up when lock_vma_under_rcu fails is refused with L2 and the schedule", async () => {
    const v = await judgeType(fault, givingUp(fault))
    expect(v.diagnostics).toEqual([])
    expect(v.solved).toBe(false)
    expect(v.explored).toMatchObject({ kind: "violation", against: "mprotect", rule: "L2" })
    if (v.explored?.kind !== "violation") return
    // The shrunk schedule needs both tasks: mprotect holds the VMA while the fault looks.
    expect(new Set(v.explored.schedule)).toEqual(new Set(["you", "mprotect"]))
  })

  it("every such puzzle's reference solution is safe against every path", async () => {
    for (const p of types.filter((x) => x.against)) {
      const v = await judgeType(p, p.solution)
      expect(v, p.id).toMatchObject({ solved: true, diagnostics: [], explored: { kind: "safe" } })
      expect(v.explored?.kind === "safe" && v.explored.states, p.id).toBeGreaterThan(0)
    }
  })
})
