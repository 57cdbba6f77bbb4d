// The traceability table of the sim README: every rule ID of RULES.md revision 2 -> where core
// enforces it (its rows in core's rule table, and whether a typed call checks them at compile
// time), where sim checks it (modules whose source cites the ID), and which scenarios show it.
// Rows, typed calls and scenarios are derived from the code; the module claims are checked
// against the modules' text; the README must hold exactly the rendered table.
// `UPDATE_TRACEABILITY=1 pnpm --filter @mmguard/sim test` rewrites the README section.
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import * as Core from "@mmguard/core"
import { describe, expect, it } from "vitest"
import { Scenarios } from "../src/index.js"

const { Rules } = Core
const root = join(import.meta.dirname, "..")

/** Every rule ID of RULES.md revision 2, and those new or changed in it (core's catalogue). */
const ids: ReadonlyArray<string> = Core.Catalogue.Ids
const rev2 = new Set<string>(Core.Catalogue.Revision2)

/** Where sim checks each rule: modules under src/ whose text cites the ID. */
const sim: Record<string, ReadonlyArray<string>> = {
  L1: ["world/MmapLock.ts", "world/Locking.ts"],
  L2: ["world/VmaLock.ts"],
  L3: ["world/VmaLock.ts"],
  L4: ["world/RmapLocks.ts", "world/Locking.ts", "world/RmapWalk.ts"],
  L5: ["world/State.ts", "world/RmapWalk.ts"],
  L6: ["world/VmaWrites.ts"],
  L7: ["world/VmaWrites.ts", "world/VmaAttach.ts"],
  L8: ["world/State.ts"],
  L9: ["world/MmapLock.ts", "world/Locking.ts"],
  L10: ["Rwsem.ts", "world/Locking.ts"],
  L11: ["world/VmaLock.ts", "world/VmaWrites.ts"],
  F1: ["world/VmaWrites.ts"],
  F2: ["world/VmaWrites.ts"],
  F3: ["world/VmaWrites.ts"],
  F4: ["world/VmaWrites.ts"],
  F5: ["world/VmaWrites.ts"],
  F6: ["world/VmaWrites.ts"],
  F7: ["world/VmaWrites.ts"],
  F8: ["world/VmaWrites.ts"],
  F9: ["world/VmaWrites.ts", "world/Do.ts"],
  P1: ["Arch.ts", "PageTable.ts"],
  P2: ["world/PtOps.ts"],
  P3: ["world/PtOps.ts"],
  P4: ["world/PtOps.ts"],
  P5: ["world/PtOps.ts"],
  P6: ["world/PtOps.ts"],
  P7: ["Mm.ts", "world/PtFree.ts"],
  P8: ["world/PtLocks.ts", "world/PtOps.ts"],
  P9: ["world/PtLocks.ts"],
  P10: ["world/Rcu.ts", "world/RcuWalk.ts", "world/PtLocks.ts"],
  P11: ["world/PtLocks.ts"],
  P12: ["pagetable/Store.ts"],
  P13: ["pagetable/Entry.ts"],
  P14: ["pagetable/Teardown.ts"],
  P15: ["pagetable/Teardown.ts"],
  P16: ["world/RcuWalk.ts", "world/PtLocks.ts"],
  P17: ["world/RcuWalk.ts", "world/PtOps.ts"],
  O1: ["Lockdep.ts"],
  O2: ["Lockdep.ts"],
  O3: ["Lockdep.ts", "world/Locking.ts"],
  O4: ["Lockdep.ts"],
  V1: ["world/VmaLock.ts"],
  V2: ["world/VmaLock.ts", "world/MmapLock.ts"],
  V3: ["world/VmaLock.ts"],
  V4: ["world/VmaLock.ts"],
  V5: ["world/MmapLock.ts"],
  V6: ["world/VmaWrites.ts"],
  V7: ["world/VmaAttach.ts", "world/VmaLock.ts"],
  V8: ["world/VmaLock.ts"],
}

/** Typed calls and tables of core that enforce a rule without a row of its own (checked to exist). */
const coreApi: Record<string, ReadonlyArray<string>> = {
  L1: ["mmapReadLock", "mmapWriteLock", "mmapReadLockKillable"],
  L4: ["anonVmaLockRead", "anonVmaLockWrite", "iMmapLockRead", "iMmapLockWrite"],
  L5: ["Scope.bound", "findVma", "lockVmaUnderRcu"],
  L8: ["Rules.ValidStates"],
  L10: ["mmapReadLock", "mmapWriteTrylock"],
  F6: ["atomicLongSet"],
  P9: ["pmdLock", "mmPageTableLock"],
  P11: ["pteOffsetMapLock"],
  P13: ["walk"],
  V5: ["mmapWriteDowngrade", "Rules.DowngradeExclusion"],
}

/** The core export at a dotted path, if any. */
const coreExport = (path: string): unknown =>
  path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], Core)

/** Why a rule has no scenario of its own (a scenario shows every other one). */
const noScenario: Record<string, string> = {
  F2: "write-once setup fields: core's types and the tutor's type puzzles",
  F4: "driver-owned field: no mm rule to break",
  F6: "atomic swap_readahead_info: KernelLayer test, the tutor's puzzles",
  F7: "i_mmap node fields: row only",
  F8: "anon_vma_chain: row only",
  P1: "architectures: Arch tests, the tutor's folding chapter",
  O4: "lockdep tests (Lockdep.test.ts)",
}

/** Does `text` cite `id`, alone or inside a range such as "F1-F9" or "V1-V4"? */
const cites = (text: string, id: string): boolean => {
  if (new RegExp(`\\b${id}\\b`).test(text)) return true
  const kind = id[0] as string
  const n = Number(id.slice(1))
  for (const m of text.matchAll(new RegExp(`\\b${kind}(\\d+)\\s*-\\s*${kind}?(\\d+)\\b`, "g")))
    if (Number(m[1]) <= n && n <= Number(m[2])) return true
  return false
}

// Rows whose checks a typed call of core performs at compile time: the rows of the actions
// core exports an operation for, the VMA field rows (writeVma), and the rows of its lock calls.
const exported = new Set(Object.keys(Core))
const typedRows = new Set<string>([
  ...Object.entries(Rules.Actions)
    .filter(([action]) => exported.has(action))
    .flatMap(([, rows]) => rows),
  ...Object.values(Rules.VmaFields),
  ...Object.keys(Rules.Operations).filter((row) => exported.has(row)),
  ...(exported.has("mmapReadLock") ? ["mmapLock"] : []),
])

const coreCell = (id: string): string => {
  const rows = Object.entries(Rules.Operations)
    .filter(([, r]) => r.id === id)
    .map(([row]) => (typedRows.has(row) ? `\`${row}\`` : `\`${row}\` (row only)`))
  const orders = Rules.Ordering.filter((o) => o.id === id).map((o) => `Ordering (${o.source})`)
  const api = (coreApi[id] ?? []).map((name) => `\`${name}\``)
  const cells = [...rows, ...orders, ...api]
  return cells.length > 0 ? cells.join(", ") : "—"
}

const scenarioCell = (id: string): string => {
  const shown = Scenarios.all.flatMap((s) => [
    ...(s.rules.includes(id) ? [s.id] : []),
    ...s.variants
      .filter((v) => v.expected.rule === id)
      .map((v) => `${s.id}/${v.id}${v.caught === "compile" ? " (types)" : ""}`),
  ])
  return shown.length > 0 ? shown.join(", ") : `— (${noScenario[id] ?? "none"})`
}

const render = (): string =>
  [
    '| rule | core (rule-table rows, typed unless "row only"; typed calls and tables) | sim (modules) | scenarios (`id`, `id/variant` catches it; (types): rejected by core\'s types too) |',
    "| --- | --- | --- | --- |",
    ...ids.map(
      (id) =>
        `| ${id}${rev2.has(id) ? " (rev 2)" : ""} | ${coreCell(id)} | ${(sim[id] ?? []).map((m) => `\`${m}\``).join(", ")} | ${scenarioCell(id)} |`,
    ),
  ].join("\n")

/** A markdown table without its alignment padding (the formatter pads the README's). */
const normalize = (table: string): string =>
  table
    .trim()
    .split("\n")
    .map((line) =>
      line
        .split("|")
        .map((cell) => cell.trim().replace(/^-+$/, "---"))
        .join("|"),
    )
    .join("\n")

const start = "<!-- traceability:start -->"
const end = "<!-- traceability:end -->"

describe("traceability (issue 11 part 7)", () => {
  it("every sim module the table names exists and cites the rule", () => {
    for (const id of ids) {
      expect(sim[id]?.length, id).toBeGreaterThan(0)
      for (const m of sim[id] ?? []) {
        const file = join(root, "src", m)
        expect(existsSync(file), `${id}: ${m}`).toBe(true)
        expect(cites(readFileSync(file, "utf8"), id), `${id}: ${m} does not cite it`).toBe(true)
      }
    }
  })

  it("every rule has a scenario, or says why not; every scenario names only known rules", () => {
    for (const id of ids)
      expect(scenarioCell(id).startsWith("— (none)"), `${id} has no scenario`).toBe(false)
    for (const s of Scenarios.all) for (const r of s.rules) expect(ids, s.id).toContain(r)
    for (const id of Object.keys(noScenario)) expect(scenarioCell(id), id).toMatch(/^— /)
  })

  it("every core call or table the table names exists", () => {
    for (const [id, names] of Object.entries(coreApi))
      for (const name of names) expect(coreExport(name), `${id}: ${name}`).toBeDefined()
  })

  it("every row of core's rule table and every ordering rule belongs to a rule ID of the catalogue", () => {
    for (const r of Object.values(Rules.Operations)) expect(ids).toContain(r.id)
    for (const o of Rules.Ordering) expect(ids).toContain(o.id)
  })

  it("the README holds exactly the rendered table", () => {
    const readme = join(root, "README.md")
    const text = readFileSync(readme, "utf8")
    const table = render()
    const i = text.indexOf(start)
    const j = text.indexOf(end)
    if (process.env.UPDATE_TRACEABILITY === "1" && i >= 0 && j > i) {
      writeFileSync(readme, `${text.slice(0, i + start.length)}\n\n${table}\n\n${text.slice(j)}`)
      return
    }
    expect(i, "README markers").toBeGreaterThanOrEqual(0)
    expect(normalize(text.slice(i + start.length, j))).toBe(normalize(table))
  })
})
