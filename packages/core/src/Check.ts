/**
 * Run-time evaluation of the rule table. sim's checker and the tutor's judge call these; core's
 * types compute the same verdicts at compile time (a test proves the two agree).
 *
 * @since 0.1.0
 */
import {
  type ActionName,
  Actions,
  type ClauseName,
  Clauses,
  type LockMode,
  type LockRequirement,
  type LockState,
  type OperationName,
  Operations,
  RmapLocksOfKind,
  type Rule,
  type VmaKind,
} from "./Rules.js"

/** Does a lock held in mode `held` meet a requirement of mode `wanted`? */
export const modeSatisfies = (held: LockMode | undefined, wanted: LockMode): boolean => {
  if (held === undefined) return false
  if (wanted === "write") return held === "write"
  return true
}

/** Does the lock state meet this single requirement? */
export const meets = (state: LockState, req: LockRequirement): boolean =>
  modeSatisfies(state[req.lock], req.mode)

/** Is the named clause satisfied by the lock state (any one of its locks held well enough)? */
export const clauseHolds = (state: LockState, clause: ClauseName): boolean =>
  Clauses[clause].anyOf.some((req) => meets(state, req))

/** The verdict of checking one operation against a lock state. */
export interface Verdict {
  readonly op: OperationName
  readonly rule: string
  readonly ok: boolean
  /** Clauses of the rule that the state does not satisfy. */
  readonly missing: ReadonlyArray<ClauseName>
  /** Locks held that the rule forbids holding. */
  readonly forbidden: ReadonlyArray<LockRequirement>
}

/**
 * The clauses a row requires of a VMA of kind `kind`: `RmapWriteLock` ("an rmap write lock")
 * becomes the write lock of every rmap the kind is reached through (`Rules.RmapLocksOfKind`).
 */
export const clausesOn = (
  requires: ReadonlyArray<ClauseName>,
  kind?: VmaKind,
): ReadonlyArray<ClauseName> =>
  kind === undefined
    ? requires
    : requires.flatMap((c) => (c === "RmapWriteLock" ? RmapLocksOfKind[kind] : [c]))

/**
 * Checks an operation against a lock state, naming every missing clause and forbidden lock;
 * with `kind`, on a VMA of that kind (P14, F1 need that kind's rmap locks).
 */
export const check = (op: OperationName, state: LockState, kind?: VmaKind): Verdict => {
  const rule: Rule = Operations[op]
  const missing = clausesOn(rule.requires, kind).filter((c) => !clauseHolds(state, c))
  const forbidden = (rule.forbids ?? []).filter((req) => meets(state, req))
  return {
    op,
    rule: rule.id,
    ok: missing.length === 0 && forbidden.length === 0,
    missing,
    forbidden,
  }
}

/** Checks a kernel API call: every row it needs (`Rules.Actions`), failing verdicts first. */
export const checkAction = (
  action: ActionName,
  state: LockState,
  kind?: VmaKind,
): ReadonlyArray<Verdict> =>
  Actions[action].map((op) => check(op, state, kind)).sort((a, b) => Number(a.ok) - Number(b.ok))

/** A one-line explanation of a failed verdict, in a kernel developer's words. */
export const explain = (verdict: Verdict): string => {
  if (verdict.ok) return `${verdict.rule}: ${Operations[verdict.op].title}: allowed`
  const parts = [
    ...verdict.missing.map((c) => `needs ${Clauses[c].text}`),
    ...verdict.forbidden.map((f) => `must not hold the ${f.lock} lock (${f.mode})`),
  ]
  return `${verdict.rule}: ${Operations[verdict.op].title}: ${parts.join("; ")}`
}
