import { describe, expect, it } from "vitest"
import { Explorer, Scenarios } from "../src/index.js"

describe("kernel scenario library", () => {
  it("models the kernel paths of issues 1 and 11 (RULES.md revision 2)", () => {
    expect(Scenarios.all.map((s) => s.id)).toEqual([
      "page-fault",
      "munmap",
      "mremap",
      "truncate",
      "reclaim",
      "khugepaged",
      "pte-map-lock",
      "mprotect",
      "stack-expansion",
      "gup-fast",
      "anon-vma-prepare",
      "vma-reuse",
      "killable-write",
      "userfaultfd",
      "rcu-walk",
      "pt-reclaim",
      "retract-revalidate",
      "ptdump",
      "unlink-anon-vmas",
    ])
  })

  it("writes every scenario and variant once, as core programs compiled into its world", () => {
    for (const s of Scenarios.all)
      for (const w of [s, ...s.variants]) {
        expect(Object.keys(w.paths).length).toBeGreaterThan(0)
        expect(w.spec.tasks.map((t) => t.name)).toEqual(Object.keys(w.paths))
        expect(w.spec.mms).toBe(Scenarios.layout)
      }
  })

  it("labels each variant by how it is caught", () => {
    const labels = Scenarios.all.flatMap((s) => s.variants.map((v) => v.caught))
    expect(new Set(labels)).toEqual(new Set(["compile", "run"]))
  })

  it("compiles a world once, at its first use", () => {
    const s = Scenarios.all[0] as Scenarios.Scenario
    expect(s.spec).toBe(s.spec)
  })

  for (const s of Scenarios.all) {
    it(`${s.id}: the correct programs are safe in every interleaving`, () => {
      const r = Explorer.explore(s.spec, { maxStates: 50_000 })
      expect(r.violation).toBeUndefined()
      expect(r.verdict).toBe("safe")
    })
    for (const v of s.variants) {
      it(`${s.id}/${v.id} (caught at ${v.caught} time): the explorer catches it with ${v.expected.rule}`, () => {
        const r = Explorer.explore(v.spec, { maxStates: 50_000 })
        expect(r.verdict).toBe("violation")
        expect(r.violation).toMatchObject({ rule: v.expected.rule, kind: v.expected.kind })
      })
    }
  }
})
