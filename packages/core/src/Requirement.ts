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
  RuleIdOf,
  VmaKind,
} from "./Rules.js"
import type { InRmapWalk, ScopeBound } from "./Scope.js"

declare const LockRequiredTypeId: unique symbol
declare const IMmapLockOfTypeId: unique symbol
declare const AnonVmaLockOfTypeId: unique symbol

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

/**
 * The clauses only one rmap object's lock satisfies (i_mmap of an address_space, or an
 * anon_vma): computed from `Rules.Clauses`, the clauses every member of which names one lock.
 */
export type ObjectClause = {
  [C in ClauseName]: [RequirementsOf<C>["lock"]] extends ["iMmap"]
    ? C
    : [RequirementsOf<C>["lock"]] extends ["anonVma"]
      ? C
      : never
}[ClauseName]

/**
 * The i_mmap lock of one address_space (F7, P14): an operation on a file VMA needs the lock of
 * the address_space that VMA maps, not another file's. `Obj` is the address_space's identity;
 * `Rule` the rule of the operation, e.g. `IMmapLockOf<"IMmapWriteLock", "P14", Obj>`. Purely
 * a type, discharged only by an i_mmap lock scope on that address_space (or `takeRmapLocks`).
 */
export interface IMmapLockOf<Clause extends ClauseName, Rule extends string, Obj> {
  readonly [IMmapLockOfTypeId]: {
    readonly clause: Clause
    readonly rule: Rule
    readonly object: ScopeBound<Obj>
  }
}

/** The lock of one anon_vma (F8, F9, P14): like `IMmapLockOf`, for a VMA's own anon_vma. */
export interface AnonVmaLockOf<Clause extends ClauseName, Rule extends string, Obj> {
  readonly [AnonVmaLockOfTypeId]: {
    readonly clause: Clause
    readonly rule: Rule
    readonly object: ScopeBound<Obj>
  }
}

/** The lock of one rmap object: `IMmapLockOf` or `AnonVmaLockOf`, by the clause's lock. */
export type RmapLockOfObject<
  C extends ObjectClause,
  Rule extends string,
  Obj,
> = RequirementsOf<C>["lock"] extends "iMmap"
  ? IMmapLockOf<C, Rule, Obj>
  : AnonVmaLockOf<C, Rule, Obj>

/**
 * The identity of the address_space a VMA of scope token `T` maps: the file walked for a VMA
 * of an i_mmap walk, else the VMA's own scope (the file is only known at run time, and the
 * handle's `fileMapping` carries the same identity). A declared handle (`T = never`) has none.
 */
export type FileOf<T> = T extends InRmapWalk<infer _S, infer F> ? ([F] extends [never] ? T : F) : T

/** The identity of a VMA's anon_vma: the VMA's own scope (what `anonVmaOf` carries). */
export type AnonVmaOf<T> = T

/** The object whose lock clause `C` names, for a VMA of scope token `T`. */
type ObjectOf<C extends ObjectClause, T> = RequirementsOf<C>["lock"] extends "iMmap"
  ? FileOf<T>
  : AnonVmaOf<T>

/**
 * The object locks operation `Op` needs on a VMA of kind `K` and scope token `T` (F7, F8, P14):
 * one `RmapLockOfObject` per rmap clause of its row on that kind. None for a declared handle.
 */
export type ObjectsRequired<Op extends OperationName, K extends VmaKind, T> =
  OnKind<(typeof Operations)[Op]["requires"][number], K> extends infer C
    ? C extends ObjectClause
      ? ObjectOf<C, T> extends infer O
        ? O extends unknown
          ? RmapLockOfObject<C, RuleIdOf<Op>, O>
          : never
        : never
      : never
    : never

/** The object locks that lock `L` in mode `M` on object `Obj` discharges. */
export type ObjectDischarged<L extends "iMmap" | "anonVma", M extends LockMode, Obj> = {
  readonly iMmap: IMmapLockOf<SatisfiedTable[L][M], string, Obj>
  readonly anonVma: AnonVmaLockOf<SatisfiedTable[L][M], string, Obj>
}[L]

/** Every object lock of the object `Obj` (what a scope that handed out `Obj`'s VMAs ends). */
export type ObjectLocks<Obj> =
  | IMmapLockOf<ObjectClause, string, Obj>
  | AnonVmaLockOf<ObjectClause, string, Obj>
