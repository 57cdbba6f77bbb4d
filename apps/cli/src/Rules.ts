/**
 * `mmguard rules` and `mmguard explain ID`, derived from data: core's rule catalogue (every ID
 * with its summary), its rule table (operations, clauses, ordering, the L8 and V5 tables), the
 * core functions whose types carry a row, and the sim scenarios that exercise or catch a rule.
 * Nothing here restates a rule by hand.
 */
import * as Core from "@mmguard/core"
import { Catalogue, Rules } from "@mmguard/core"
import { Scenarios } from "@mmguard/sim"
import { badInput } from "./BadInput.js"

type OpName = Rules.OperationName
const operations = Object.entries(Rules.Operations) as Array<[OpName, Rules.Rule]>

const needs = (rule: Rules.Rule): string => {
  const parts = [
    ...rule.requires.map((c) => Rules.Clauses[c].text),
    ...(rule.forbids ?? []).map((f) => `not holding the ${f.lock} lock (${f.mode})`),
  ]
  return parts.length === 0 ? "no lock" : parts.join(" + ")
}

/** Every rule ID of RULES.md, in the document's order (core's catalogue). */
export const ruleIds = (): ReadonlyArray<string> => Catalogue.Ids

/** An ID with its revision-2 mark, padded for a listing. */
const label = (id: string): string =>
  `${id}${(Catalogue.Revision2 as ReadonlyArray<string>).includes(id) ? "*" : ""}`.padEnd(5)

/**
 * Every rule of the catalogue with its summary, then the rows of core's table that check it:
 * the operation with what it needs, or the lock-order chains.
 */
export const listRules = (): string => {
  const lines: Array<string> = []
  for (const id of Catalogue.Ids) {
    lines.push(`${label(id)}${Catalogue.summary(id)}`)
    for (const [op, r] of operations.filter(([, x]) => x.id === id))
      lines.push(`${id.padEnd(4)}   ${r.title} (${op}): needs ${needs(r)}`)
    for (const o of Rules.Ordering.filter((x) => x.id === id))
      for (const chain of o.chains)
        lines.push(`${id.padEnd(4)}   ${chain.join(" -> ")} (${o.source})`)
  }
  lines.push("", "* new or changed in revision 2 of the document")
  return lines.join("\n")
}

/** A one-paragraph explanation of a rule for a violation report. */
export const explainRule = (id: string): string => {
  const rows = operations.filter(([, r]) => r.id === id)
  if (rows.length > 0)
    return rows.map(([, r]) => `${id} (${r.section}): to ${r.title}, hold ${needs(r)}.`).join(" ")
  const order = Rules.Ordering.filter((o) => o.id === id)
  if (order.length > 0 || id === "O3")
    return `${id} (Lock ordering): locks must be taken outer to inner, as mm/rmap.c and mm/filemap.c order them; two tasks taking two locks in opposite orders can deadlock.`
  const caught = Scenarios.all.flatMap((sc) =>
    sc.variants.filter((v) => v.expected.rule === id).map((v) => `"${v.title}" (${sc.id})`),
  )
  const about = Scenarios.all.filter((sc) => sc.rules.includes(id)).map((sc) => sc.title)
  if (caught.length + about.length > 0)
    return `${id}: the rule of ${[...about, ...caught.map((c) => `the bug ${c}`)].join("; ")} (mmguard explain ${id}).`
  return `${id}: ${Catalogue.summary(id) ?? "see RULES.md"}`
}

/** Core's exported functions, by name (the API a rule's row types). */
const coreFunctions = new Set(
  Object.entries(Core)
    .filter(([, v]) => typeof v === "function")
    .map(([k]) => k),
)

/** One rule in full: its rows, where core types it, where sim checks and the scenarios test it. */
export const explain = (id: string): string => {
  if (!ruleIds().includes(id))
    throw badInput(`unknown rule "${id}"; known: ${ruleIds().join(", ")} (see \`mmguard rules\`)`)
  const out: Array<string> = [`${label(id).trim()} ${Catalogue.summary(id)}`]
  const rows = operations.filter(([, r]) => r.id === id)
  if (rows.length > 0) {
    out.push("", "Rule table (core's Rules.Operations):")
    for (const [op, r] of rows) {
      out.push(`  ${op}: ${r.title} [${r.section}]`)
      for (const c of r.requires) out.push(`    needs ${c}: ${Rules.Clauses[c].text}`)
      for (const f of r.forbids ?? []) out.push(`    must not hold: ${f.lock} (${f.mode})`)
    }
    const names = rows.map(([op]) => op)
    const actions = Object.entries(Rules.Actions)
      .filter(([, ops]) => ops.some((o) => names.includes(o)))
      .map(([a]) => a)
    const fields = Object.entries(Rules.VmaFields)
      .filter(([, op]) => names.includes(op))
      .map(([f]) => `writeVma(vma, "${f}")`)
    const typed = [...actions, ...names].filter(
      (n, i, a) => coreFunctions.has(n) && a.indexOf(n) === i,
    )
    out.push(
      "",
      "Enforced at compile time by @mmguard/core (the requirement is in the function's type):",
      `  ${[...typed, ...fields].join(", ") || "no core function carries this row yet"}`,
      "",
      "Checked at run time by @mmguard/sim: every step that performs the operation is checked against the same row.",
    )
  }
  for (const o of Rules.Ordering.filter((x) => x.id === id)) {
    out.push("", `Lock order (${o.source}), outer to inner:`)
    for (const chain of o.chains) out.push(`  ${chain.join(" -> ")}`)
  }
  if (id === "L8")
    for (const s of Rules.ValidStates)
      out.push(
        `  mmap ${s.mmap.map((m) => m ?? "-").join("/")}  vma ${s.vma.map((m) => m ?? "-").join("/")}  rmap ${s.rmap.map((m) => m ?? "-").join("/")}: stable ${s.stable ? "Y" : "N"}, read ${s.read ? "Y" : "N"}, write most ${s.writeMost ? "Y" : "N"}, write all ${s.writeAll ? "Y" : "N"}`,
      )
  if (id === "V5")
    for (const [pair, excl] of Object.entries(Rules.DowngradeExclusion))
      out.push(`  ${pair}: ${excl ? "exclude each other" : "may run together"}`)
  const scenarios = Scenarios.all.filter((s) => s.rules.includes(id))
  const caught = Scenarios.all.flatMap((s) =>
    s.variants.filter((v) => v.expected.rule === id).map((v) => ({ s, v })),
  )
  if (scenarios.length + caught.length > 0) out.push("", "Scenarios of @mmguard/sim:")
  for (const s of scenarios) out.push(`  ${s.id}: ${s.title} (${s.kernelPath})`)
  for (const { s, v } of caught)
    out.push(`  ${s.id}/${v.id}: "${v.title}" is caught as ${v.expected.kind} ${id}`)
  return out.join("\n")
}
