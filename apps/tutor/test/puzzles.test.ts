import { Catalogue } from "@mmguard/core"
import { Arch, isSimError, Validate } from "@mmguard/sim"
import { describe, expect, it } from "vitest"
import { judgeLockPicker, runSteps } from "../src/engine/judgeLockPicker.js"
import type { LockPicker } from "../src/engine/Puzzle.js"
import { chapters, inChapter, puzzles } from "../src/puzzles/index.js"
import { faultLight } from "./support/keys.js"

// Intended solutions and one wrong answer per lock picker, as palette indices. These are test
// data only: the judge never sees them.
const lockPickerAnswers: Record<
  string,
  { right: Array<number>; wrong: Array<number>; rule: string }
> = {
  "fault-light": { right: faultLight, wrong: [3, 4, 5], rule: "P3" },
  "read-vma": { right: [1, 3, 4], wrong: [3], rule: "L6" },
  mprotect: { right: [1, 2, 3, 5], wrong: [0, 3, 4], rule: "F3" },
  "grow-stack": { right: [0, 1, 2, 3, 4, 5], wrong: [0, 1, 3, 5], rule: "F1" },
  "swap-readahead": { right: [1, 4, 5], wrong: [1, 3, 5], rule: "F6" },
  "anon-vma-prepare": { right: [1, 2, 3, 4, 5], wrong: [1, 3, 5], rule: "F9" },
  truncate: { right: [2, 3, 4], wrong: [3], rule: "P4" },
  reclaim: { right: [1, 2, 3, 4, 5], wrong: [1, 3, 5], rule: "P8" },
  munmap: { right: [1, 2, 3, 4, 5, 7], wrong: [1, 2, 3, 5, 7], rule: "P7" },
  order: { right: [1, 0, 2, 4, 3], wrong: [0, 1, 2, 3, 4], rule: "O3" },
  downgrade: { right: [0, 1, 2, 3, 4, 5], wrong: [0, 1, 2, 3, 4, 6], rule: "L1" },
  balanced: { right: [0, 2, 4], wrong: [0, 2], rule: "L10" },
  "gup-fast": { right: [1, 2, 3], wrong: [2], rule: "P13" },
  "mremap-file": { right: [0, 2, 3, 5, 6, 8], wrong: [0, 2, 5, 8], rule: "P14" },
  khugepaged: { right: [1, 2, 3, 4, 5, 6, 7, 9], wrong: [1, 3, 4, 5, 7, 9], rule: "P15" },
  "munmap-downgrade": { right: [0, 1, 2, 3, 4, 5, 6], wrong: [0, 1, 3, 2, 4, 5, 6], rule: "L7" },
  "read-locked": { right: [0, 1, 2, 3, 4], wrong: [1, 2, 3, 4], rule: "V8" },
  "walk-i386": { right: [1, 2, 3], wrong: [2], rule: "P2" },
  "walk-arm64-64k-42": { right: [1, 2, 3], wrong: [2], rule: "P2" },
}

describe("puzzle content", () => {
  it("every world, goal and palette step passes sim's validator", () => {
    for (const p of puzzles) {
      if (p.kind === "scheduler") expect(Validate.world(p.spec), p.id).toBe(p.spec)
      if (p.kind !== "lockPicker") continue
      const arch = p.world.arch ?? Arch.x86_64
      for (const s of [...p.goal, ...p.palette])
        expect(isSimError(Validate.step(arch, s)), p.id).toBe(false)
      expect(isSimError(Validate.world({ ...p.world, tasks: [] })), p.id).toBe(false)
    }
  })
  it("an answer that cannot run is judged invalid, with sim's reason, not thrown", () => {
    const p = puzzles.find((x): x is LockPicker => x.kind === "lockPicker") as LockPicker
    const v = judgeLockPicker(p, [{ op: "goto", to: "nowhere" }])
    expect(v.solved).toBe(false)
    expect(v.invalid).toMatchObject({ kind: "InvalidProgram", task: 0, step: 0, path: ["to"] })
    expect(v.invalid?.message).toContain('no step is labelled "nowhere"')
  })

  it("has at least 60 puzzles, and every chapter has two kinds", () => {
    expect(puzzles.length).toBeGreaterThanOrEqual(60)
    for (const c of chapters) {
      const kinds = new Set(puzzles.filter((p) => p.chapter === c.id).map((p) => p.kind))
      expect(kinds.size, c.id).toBeGreaterThanOrEqual(2)
    }
    expect(puzzles.filter((p) => p.kind === "scheduler").length).toBeGreaterThanOrEqual(8)
    for (const p of puzzles) {
      expect(p.rules.length, p.id).toBeGreaterThan(0)
      expect(p.hints.length, p.id).toBeGreaterThan(0)
      expect(p.kernel.length, p.id).toBeGreaterThan(0)
    }
    expect(new Set(puzzles.map((p) => p.id)).size).toBe(puzzles.length)
  })

  it("closes with a chapter of real kernel paths, the ones issue 15 lists among them", () => {
    expect(chapters.at(-1)?.id).toBe("K")
    const k = new Map(inChapter("K").map((p) => [p.id, p]))
    // munmap with its downgrade; khugepaged's retract against a fault; PT reclaim against a
    // lockless walker; a VMA freed and reused under RCU: each a scheduler puzzle of its race.
    expect(k.get("sched-munmap-downgrade")?.rules).toContain("V5")
    expect(k.get("sched-khugepaged-vs-fault")?.rules).toContain("P15")
    expect(k.get("sched-pt-reclaim-gup")?.rules).toEqual(expect.arrayContaining(["P17", "P13"]))
    expect(k.get("sched-vma-reuse")?.rules).toContain("V7")
    // mremap of a private file mapping: the file VMA it moves is not MAP_SHARED.
    const mremap = k.get("mremap-file") as LockPicker
    const mm = runSteps(mremap, []).mms.get(mremap.world.mms[0]?.name ?? "")
    const moved = mm?.find(mremap.addr)
    expect(moved?.file).toBeDefined()
    expect(moved?.flags).not.toContain("shared")
    for (const p of k.values()) expect(p.kernel.length, p.id).toBeGreaterThan(0)
  })

  it("teaches every rule ID of core's catalogue (RULES.md rev 2), the rev-2 ones included", () => {
    const taught = new Set(puzzles.flatMap((p) => p.rules))
    expect(Catalogue.Ids.filter((id) => !taught.has(id))).toEqual([])
    for (const id of Catalogue.Revision2) expect(taught).toContain(id)
    // Rules a puzzle names exist.
    for (const id of taught) expect(Catalogue.Ids, id).toContain(id)
  })
})

describe("lock pickers: the intended answer solves, a wrong one names the rule", () => {
  for (const p of puzzles.filter((x): x is LockPicker => x.kind === "lockPicker")) {
    it(p.id, () => {
      const a = lockPickerAnswers[p.id]
      expect(a, `answers for ${p.id}`).toBeDefined()
      if (!a) return
      const pick = (ix: Array<number>) => ix.map((i) => p.palette[i] as (typeof p.palette)[number])
      const right = judgeLockPicker(p, pick(a.right))
      expect(right.violations.map((v) => v.message)).toEqual([])
      expect(right.solved).toBe(true)
      expect(right.stars).toBe(3)
      const wrong = judgeLockPicker(p, pick(a.wrong))
      expect(wrong.solved).toBe(false)
      expect(wrong.violations.map((v) => v.rule)).toContain(a.rule)
    })
  }

  it("stars fall when a heavier lock than needed is used", () => {
    const p = puzzles.find((x): x is LockPicker => x.id === "fault-light") as LockPicker
    const heavy = judgeLockPicker(
      p,
      [0, 3, 4, 5, 8].map((i) => p.palette[i] as (typeof p.palette)[number]),
    )
    expect(heavy.solved).toBe(true)
    expect(heavy.stars).toBeLessThan(3)
    expect(heavy.heavier.join()).toContain("read mode")
  })

  it("a fault that gives up when lock_vma_under_rcu fails is no solution: the explorer finds the writer's case", () => {
    const p = puzzles.find((x): x is LockPicker => x.id === "fault-light") as LockPicker
    const pick = (ix: Array<number>) => ix.map((i) => p.palette[i] as (typeof p.palette)[number])
    // Alone, giving up never shows: lock_vma_under_rcu succeeds and the page is mapped.
    const givesUp = judgeLockPicker(p, pick([2, 3, 4, 5, 6]))
    expect(givesUp.violations).toEqual([])
    expect(givesUp.missing).toEqual([])
    expect(givesUp.solved).toBe(false)
    expect(givesUp.contended?.failure?.message).toContain("without mapping page 600")
    expect(givesUp.contended?.failure?.schedule.length).toBeGreaterThan(0)
    const falls = judgeLockPicker(p, pick(faultLight))
    expect(falls.contended?.failure).toBeUndefined()
    expect(falls.contended?.states).toBeGreaterThan(10)
  })
})
