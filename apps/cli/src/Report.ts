/**
 * How `mmguard check` shows what it found: missing locks in kernel words with file:line, and a
 * violation as its rule, explanation and shrunk schedule drawn as a swimlane timeline (one
 * column per task, each step with its source line).
 */
import { basename, isAbsolute, relative } from "node:path"
import { Rules } from "@mmguard/core"
import type { Outcome, Row } from "./Explore.js"
import type { MissingLock, TypeDiagnostic } from "./Source.js"

/** A missing lock located by running the path alone in sim: the step that needs it. */
export interface Located {
  readonly path: string
  readonly rule: string
  readonly message: string
  readonly text: string
  readonly file?: string
  readonly line?: number
}

/** Everything `mmguard check` reports (also the shape of `--json`). */
export interface CheckReport {
  readonly file: string
  readonly verdict: "safe" | "violation" | "budget" | "type-errors"
  readonly typeErrors: ReadonlyArray<TypeDiagnostic>
  /** For paths missing a lock: where running them in sim breaks the rule. */
  readonly located: ReadonlyArray<Located>
  readonly exploration?: Outcome
}

/** A missing lock in kernel words. */
export const lockWords = (m: MissingLock): string => {
  const clause = (Rules.Clauses as Record<string, Rules.Clause>)[m.clause]
  return `needs ${clause ? clause.text : m.clause} on mm "${m.mm}" [${m.clause}]`
}

/** file:line[:column], the file relative to the working folder when it is inside it. */
const where = (file: string, line: number, column?: number) => {
  const rel = relative(process.cwd(), file)
  const name = rel.startsWith("..") || isAbsolute(rel) ? file : rel
  return `${name}:${line}${column === undefined ? "" : `:${column}`}`
}

/** The rule a type error spells out, e.g. "L9: never take ..." (core names rules in types). */
const ruleIn = (message: string): string | undefined => /"([LFPOV]\d+: [^"]+)"/.exec(message)?.[1]

/** The type errors: per path, each missing lock; other errors as tsc says them. */
export const renderTypeErrors = (r: CheckReport): string => {
  const out: Array<string> = []
  for (const e of r.typeErrors) {
    if (e.path !== undefined) {
      const found = r.located.find((l) => l.path === e.path)
      const at = found?.file && found.line ? where(found.file, found.line) : where(e.file, e.line)
      // A rule core keeps as an unsatisfiable requirement (L9, L10, O3...) names itself.
      const broken = e.missing.length === 0 ? ruleIn(e.message) : undefined
      if (broken) out.push(`${at}: path "${e.path}" breaks ${broken}`)
      else if (e.missing.length === 0)
        out.push(`${at}: path "${e.path}": ${e.message.split("\n")[0]}`)
      for (const m of e.missing) out.push(`${at}: path "${e.path}" ${lockWords(m)}`)
      if (found) out.push(`  sim, running "${e.path}" alone: ${found.text}: ${found.message}`)
      continue
    }
    out.push(`${where(e.file, e.line, e.column)}: error ${e.code}: ${e.message}`)
    for (const m of e.missing) out.push(`  that is: the program ${lockWords(m)}`)
    const rule = ruleIn(e.message)
    if (rule) out.push(`  that is: ${rule}`)
  }
  return out.join("\n")
}

const WIDTH = 46

const cell = (row: Row): string => {
  const src = row.source ? `  ${basename(row.source.file)}:${row.source.line}` : ""
  const text = `${row.text}${row.blocked ? " (waits)" : ""}`
  const room = WIDTH - src.length
  return `${text.length > room ? `${text.slice(0, room - 1)}…` : text.padEnd(room)}${src}`
}

/** The schedule as a swimlane: one column per task, one line per step. */
export const swimlane = (names: ReadonlyArray<string>, rows: ReadonlyArray<Row>): string => {
  const used = names.map((_, i) => rows.some((r) => r.task === i))
  const cols = names.map((n, i) => ({ n, i })).filter((c) => used[c.i])
  const header = `     ${cols.map((c) => c.n.slice(0, WIDTH).padEnd(WIDTH)).join(" │ ")}`
  const lines = rows.map((r, k) => {
    const cells = cols.map((c) => (c.i === r.task ? cell(r) : "".padEnd(WIDTH)))
    return `${String(k + 1).padStart(3)}  ${cells.join(" │ ")}`.trimEnd()
  })
  return [header.trimEnd(), ...lines].join("\n")
}

/** The whole report as text. */
export const renderText = (r: CheckReport): string => {
  if (r.verdict === "type-errors") return renderTypeErrors(r)
  const x = r.exploration
  if (x === undefined) return ""
  const stats = `${x.states} states, ${x.distinct} distinct, ${x.millis} ms, ${x.arch}`
  const tasks = x.tasks.map((t) => (t.origin === "path" ? t.name : `${t.name} (scenario)`))
  if (x.verdict === "safe") return `safe: ${tasks.join(", ")} in every interleaving (${stats})`
  if (x.verdict === "budget")
    return `inconclusive: the budget ran out before every interleaving was tried, and none broke a rule (${stats}); raise --max-states / --max-seconds`
  const v = x.violation
  if (v === undefined) return ""
  return [
    `violation of ${v.rule} (${v.kind}) in ${v.task}: ${v.message}`,
    `  ${v.explanation}`,
    ...(v.held.length ? [`  ${v.task} held: ${v.held.join(", ")}`] : []),
    "",
    `schedule (${x.schedule?.length ?? 0} moves, shrunk; ${stats}):`,
    swimlane(
      x.tasks.map((t) => t.name),
      x.timeline ?? [],
    ),
    "",
    `replay: ${JSON.stringify(x.schedule ?? [])}`,
  ].join("\n")
}
