import { Rules } from "@mmguard/core"
import { describe, expect, it } from "vitest"
import { Explorer, type Program, Scenarios, type World, type WorldSpec } from "../src/index.js"

type Holder = "R" | "D" | "W"

/** A program that reaches holder state `h` on the mmap lock, then leaves it. */
const program: Record<Holder, ReadonlyArray<Program.Step>> = {
  R: [
    { op: "lock", lock: "mmap", mode: "read" },
    { op: "unlock", lock: "mmap", mode: "read" },
  ],
  W: [
    { op: "lock", lock: "mmap", mode: "write" },
    { op: "unlock", lock: "mmap", mode: "write" },
  ],
  D: [
    { op: "lock", lock: "mmap", mode: "write" },
    { op: "mmapWriteDowngrade" },
    { op: "unlock", lock: "mmap", mode: "read" },
  ],
}

/** Is task `id` in holder state `h` right now (holding the lock, just before releasing it)? */
const inState = (w: World, id: number, h: Holder): boolean => {
  const t = w.tasks[id]
  const mode = t?.held.find((x) => x.kind === "mmap")?.mode
  return (
    t !== undefined && mode === (h === "W" ? "write" : "read") && t.pc === program[h].length - 1
  )
}

describe("mmap_write_downgrade exclusion (V5), from core's table", () => {
  for (const [pair, excludes] of Object.entries(Rules.DowngradeExclusion)) {
    const [a, b] = pair.split("/") as [Holder, Holder]
    it(`${pair}: ${excludes ? "never both at once" : "both at once in some interleaving"}`, () => {
      const spec: WorldSpec = {
        mms: Scenarios.layout,
        tasks: [
          { name: `${a}-holder-0`, mm: "proc", program: program[a] },
          { name: `${b}-holder-1`, mm: "proc", program: program[b] },
        ],
      }
      const r = Explorer.explore(spec, {
        invariant: (w) => (inState(w, 0, a) && inState(w, 1, b) ? "both hold" : undefined),
      })
      expect(r.verdict).toBe(excludes ? "safe" : "violation")
    })
  }
})
