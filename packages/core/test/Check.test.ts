import { describe, expect, it } from "vitest"
import { Check, Rules } from "../src/index.js"

describe("Check (rule table evaluation)", () => {
  it("P3: an rmap lock alone does not permit install", () => {
    const v = Check.check("install", { iMmap: "write" })
    expect(v.ok).toBe(false)
    expect(v.rule).toBe("P3")
    expect(v.missing).toEqual(["MmapOrVmaLock"])
  })

  it("P3: the VMA read lock permits install", () => {
    expect(Check.check("install", { vma: "read" }).ok).toBe(true)
  })

  it("L3: vma_start_write needs mmap write, read is not enough", () => {
    expect(Check.check("vmaStartWrite", { mmap: "read" }).missing).toEqual(["MmapWriteLock"])
    expect(Check.check("vmaStartWrite", { mmap: "write" }).ok).toBe(true)
  })

  it("L9: taking the mmap lock while holding a VMA read lock is forbidden", () => {
    const v = Check.check("mmapLock", { vma: "read" })
    expect(v.ok).toBe(false)
    expect(v.forbidden).toEqual([{ lock: "vma", mode: "read" }])
    expect(Check.explain(v)).toContain("L9")
  })

  it("every operation names a clause that exists", () => {
    for (const rule of Object.values(Rules.Operations)) {
      for (const c of rule.requires) expect(Rules.Clauses).toHaveProperty(c)
    }
  })
})
