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

  it("P14 on a VMA of a kind needs that kind's rmap write locks, all of them", () => {
    const state = { mmap: "write", vma: "write", iMmap: "write" } as const
    expect(Check.check("movePageTables", state).ok).toBe(true)
    expect(Check.check("movePageTables", state, "sharedFile").ok).toBe(true)
    expect(Check.check("movePageTables", state, "anonymous").missing).toEqual(["AnonVmaWriteLock"])
    expect(Check.check("movePageTables", state, "privateFileAnon").missing).toEqual([
      "AnonVmaWriteLock",
    ])
  })

  it("P7 rev 2: free_pgtables under the read lock needs the VMAs detached", () => {
    expect(Check.check("freePgtables", { mmap: "read" }).missing).toEqual(["MmapWriteOrDetached"])
    expect(Check.check("freePgtables", { mmap: "read", vmaDetached: "held" }).ok).toBe(true)
    expect(Check.check("freePgtables", { vmaDetached: "held" }).missing).toEqual(["MmapReadLock"])
  })

  it("every operation names a clause that exists", () => {
    for (const rule of Object.values(Rules.Operations)) {
      for (const c of rule.requires) expect(Rules.Clauses).toHaveProperty(c)
    }
  })
})
