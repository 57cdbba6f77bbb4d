// The type-level rules and the run-time rules are one table: for generated lock states (every
// combination of mmap, VMA, anon_vma and i_mmap modes — which covers all six rows of L8 — times
// a set of spinlock / RCU / detached states), the verdict of `Check.check` must equal the
// verdict the compiler reaches through `Requirement.Requires` / `Discharged`, and for the rows
// that depend on the VMA's kind (P14, F1), on every kind (`RequiresOn` / `Check.check(op, s, kind)`). The test writes one TypeScript
// file asserting the run-time verdicts as types and runs the real tsc on it.
import { describe, expect, it } from "vitest"
import { Check, Rules } from "../src/index.js"
import { typecheck } from "./tsc.js"

type Mode = Rules.LockMode
const rw: ReadonlyArray<Mode | undefined> = [undefined, "read", "write"]
const extras: ReadonlyArray<Rules.LockState> = [
  {},
  { pteLock: "held" },
  { pmdLock: "held", pteLock: "held" },
  { rcu: "held" },
  { pageTableLock: "held" },
  { swapLock: "held", numabLock: "held", vmaSetup: "held" },
  { vmaDetached: "held" },
]

/** Every generated state. */
const states = (): Array<Rules.LockState> => {
  const out: Array<Rules.LockState> = []
  for (const mmap of rw)
    for (const vma of rw)
      for (const anonVma of rw)
        for (const iMmap of rw)
          for (const extra of extras) {
            const s: { -readonly [K in Rules.LockKind]?: Mode } = { ...extra }
            if (mmap) s.mmap = mmap
            if (vma) s.vma = vma
            if (anonVma) s.anonVma = anonVma
            if (iMmap) s.iMmap = iMmap
            out.push(s)
          }
  return out
}

const typeOfState = (s: Rules.LockState): string => {
  const parts = Object.entries(s).map(([k, m]) => `Requirement.Discharged<"${k}", "${m}", "m">`)
  return parts.length === 0 ? "never" : parts.join(" | ")
}

describe("one rule table: types and run-time checks agree", () => {
  it("the L8 table is the verdict of readVma (L6), writeVmFlags (F3) and writeVmStart (F1)", () => {
    for (const row of Rules.ValidStates)
      for (const mmap of row.mmap)
        for (const vma of row.vma)
          for (const rmap of row.rmap)
            for (const rmapLock of ["anonVma", "iMmap"] as const) {
              const s: Rules.LockState = {
                ...(mmap ? { mmap } : {}),
                ...(vma ? { vma } : {}),
                ...(rmap ? { [rmapLock]: rmap } : {}),
              }
              expect(Check.check("readVma", s).ok, JSON.stringify(s)).toBe(row.read)
              expect(Check.check("writeVmFlags", s).ok, JSON.stringify(s)).toBe(row.writeMost)
              expect(Check.check("writeVmStart", s).ok, JSON.stringify(s)).toBe(row.writeAll)
            }
  })

  it("tsc reaches the run-time verdict for every operation on every generated state", () => {
    const ops = Object.keys(Rules.Operations) as Array<Rules.OperationName>
    const byKind = ops.filter((op) =>
      (Rules.Operations[op].requires as ReadonlyArray<string>).includes("RmapWriteLock"),
    )
    const all = states()
    const lines = [
      'import type { Requirement, Rules } from "../../src/index.js"',
      "type Verdicts<S> = {",
      '  [Op in Rules.OperationName]: [Exclude<Requirement.Requires<Op, "m">, S>] extends [never] ? true : false',
      "}",
      `type KindOps = ${byKind.map((op) => `"${op}"`).join(" | ")}`,
      "type KindVerdicts<S, K extends Rules.VmaKind> = {",
      '  [Op in KindOps]: [Exclude<Requirement.RequiresOn<Op, "m", K>, S>] extends [never] ? true : false',
      "}",
      ...all.flatMap((s, i) => {
        // `forbids` (L9) is a separate compile-time mechanism with its own fixture.
        const verdicts = ops.map((op) => `${op}: ${Check.check(op, s).missing.length === 0}`)
        return [
          `export const s${i}: Verdicts<${typeOfState(s)}> = { ${verdicts.join(", ")} }`,
          ...Rules.VmaKinds.map((kind) => {
            const onKind = byKind.map(
              (op) => `${op}: ${Check.check(op, s, kind).missing.length === 0}`,
            )
            return `export const s${i}${kind}: KindVerdicts<${typeOfState(s)}, "${kind}"> = { ${onKind.join(", ")} }`
          }),
        ]
      }),
    ]
    const r = typecheck("agreement", `${lines.join("\n")}\n`)
    expect(byKind).toEqual(["writeVmStart", "movePageTables"])
    expect(all.length).toBe(567)
    expect(r.output).toBe("")
    expect(r.status).toBe(0)
  })

  it("a deliberately wrong verdict is caught by the same generated check", () => {
    // Guard against a check that cannot fail: flip one verdict and expect tsc to object.
    const r = typecheck(
      "wrong",
      [
        'import type { Requirement } from "../../src/index.js"',
        'type Ok<Op extends Parameters<typeof import("../../src/Check.js").check>[0]> = [Exclude<Requirement.Requires<Op, "m">, Requirement.Discharged<"anonVma", "write", "m">>] extends [never] ? true : false',
        'export const install: Ok<"install"> = true',
      ].join("\n"),
    )
    expect(r.output).toContain("Type 'true' is not assignable to type 'false'")
  })
})
