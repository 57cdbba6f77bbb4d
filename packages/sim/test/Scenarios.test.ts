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

  for (const s of Scenarios.all) {
    it(`${s.id}: the correct programs are safe in every interleaving`, () => {
      const r = Explorer.explore(s.spec, { maxStates: 50_000 })
      expect(r.violation).toBeUndefined()
      expect(r.verdict).toBe("safe")
    })
    for (const v of s.variants) {
      it(`${s.id}/${v.id}: the explorer catches it with ${v.expected.rule}`, () => {
        const r = Explorer.explore(v.spec, { maxStates: 50_000 })
        expect(r.verdict).toBe("violation")
        expect(r.violation).toMatchObject({ rule: v.expected.rule, kind: v.expected.kind })
      })
    }
  }
})
