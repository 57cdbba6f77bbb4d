/**
 * Lock requirements as types, computed from the rule table (Rules.ts).
 *
 * An operation on mm `Id` puts one `LockRequired<Clause, Id>` per clause of its rule into the
 * Effect's `R` channel. A lock scope on mm `Id` removes every clause of that mm which the lock
 * satisfies (the same `anyOf` data the run-time `Check.check` reads). A program whose `R` still
 * holds a `LockRequired` cannot be run, and the compiler names the clause: e.g.
 * `LockRequired<"MmapWriteLock", "proc1">`.
 *
 * @since 0.1.0
 */
import type {
  ActionName,
  Actions,
  ClauseName,
  Clauses,
  LockKind,
  LockMode,
  OperationName,
  Operations,
  RmapLocksOfKind,
  VmaKind,
} from "./Rules.js"

declare const LockRequiredTypeId: unique symbol

/**
 * A lock the program must hold, named by its clause in the rule table, for mm `Id`. Purely a
 * type: it is never provided at run time, only discharged by an enclosing lock scope.
 */
export interface LockRequired<Clause extends ClauseName, Id extends string> {
  readonly [LockRequiredTypeId]: { readonly clause: Clause; readonly mm: Id }
}

/** Does holding a lock in mode `Held` meet a requirement in mode `Wanted`? (mirrors Check) */
type ModeMeets<Held extends LockMode, Wanted> = Wanted extends "write"
  ? Held extends "write"
    ? true
    : false
  : true

/** The requirements (`anyOf` members) of a clause, as a union of literal objects. */
type RequirementsOf<C extends ClauseName> = (typeof Clauses)[C]["anyOf"][number]

/** The clauses that holding lock `L` in mode `M` satisfies. */
export type ClausesSatisfiedBy<L extends LockKind, M extends LockMode> = {
  [C in ClauseName]: RequirementsOf<C> extends infer Q
    ? Q extends { readonly lock: L; readonly mode: infer W }
      ? ModeMeets<M, W> extends true
        ? C
        : never
      : never
    : never
}[ClauseName]

/** One `LockRequired` per clause of the union `C` (distributes). */
export type EachRequired<C extends ClauseName, Id extends string> = C extends ClauseName
  ? LockRequired<C, Id>
  : never

/** What operation `Op` on mm `Id` requires, straight from its row in `Rules.Operations`. */
export type Requires<Op extends OperationName, Id extends string> = EachRequired<
  (typeof Operations)[Op]["requires"][number],
  Id
>

/**
 * A clause as it applies to a VMA of kind `K` (distributes over a union of kinds, so an
 * un-narrowed VMA needs the rmap locks of every kind it may be): `RmapWriteLock` becomes the
 * write locks of that kind's rmaps (`Rules.RmapLocksOfKind`), like `Check.clausesOn`.
 */
export type OnKind<C extends ClauseName, K extends VmaKind> = C extends "RmapWriteLock"
  ? K extends VmaKind
    ? (typeof RmapLocksOfKind)[K][number]
    : never
  : C

/** What operation `Op` on a VMA of kind `K` of mm `Id` requires. */
export type RequiresOn<
  Op extends OperationName,
  Id extends string,
  K extends VmaKind,
> = EachRequired<OnKind<(typeof Operations)[Op]["requires"][number], K>, Id>

/**
 * What a kernel API call on mm `Id` requires: one `LockRequired` per clause of its rows in
 * `Rules.Actions` (distributed so that compilers print the members, not this alias).
 */
export type RequiresAction<Act extends ActionName, Id extends string, K extends VmaKind = VmaKind> =
  OnKind<ClausesOfAction<Act>, K> extends infer C
    ? C extends ClauseName
      ? LockRequired<C, Id>
      : never
    : never

/** The clause names of every row of an action. */
type ClausesOfAction<Act extends ActionName> =
  (typeof Operations)[(typeof Actions)[Act][number]]["requires"][number]

/** For every lock and mode, the clauses it satisfies: computed once, then looked up. */
type SatisfiedTable = {
  readonly [L in LockKind]: { readonly [M in LockMode]: ClausesSatisfiedBy<L, M> }
}

/** The requirements a lock `L` held in mode `M` on mm `Id` discharges. */
export type Discharged<L extends LockKind, M extends LockMode, Id extends string> = LockRequired<
  SatisfiedTable[L][M],
  Id
>

/** `R` with the requirements of mm `Id` that lock `L` in mode `M` satisfies removed. */
export type Discharge<R, L extends LockKind, M extends LockMode, Id extends string> = Exclude<
  R,
  Discharged<L, M, Id>
>
