/**
 * Lock order at compile time (O1-O4, L9, L10), computed from `Rules.Ordering`.
 *
 * A lock scope marks its program's `R` with `Acquires<Class, Id>` (the lock class it takes, on
 * mm `Id`), and the marks of everything nested inside bubble up. A scope of class `C` around a
 * body that acquires a class the ordering puts before `C` (an inversion, O3), and an mmap scope
 * around a body that takes the mmap lock of the same mm again (L10), add a violation to `R`: a
 * string naming the rule, which nothing discharges, so the program cannot run. The pairs come
 * from the ordering chains and their transitive closure; nothing here names a pair by hand.
 *
 * @since 0.2.0
 */
import type { Discharged } from "./Requirement.js"
import type { LockClass, LockKind, LockMode, Ordering } from "./Rules.js"

declare const AcquiresTypeId: unique symbol

/**
 * Marks a program that takes a lock of class `Class` on mm `Id` (or `"*"` for locks that are not
 * per mm). Purely a type: the Kernel layer discharges every mark when the program is run.
 */
export interface Acquires<Class extends LockClass, Id extends string> {
  readonly [AcquiresTypeId]: { readonly cls: Class; readonly mm: Id }
}

/** One pair `outer -> inner` per class after `Head` in a chain, tagged with its rule. */
type PairsFrom<Head extends LockClass, Inner, Rule extends string> = Inner extends LockClass
  ? { readonly outer: Head; readonly inner: Inner; readonly rule: Rule }
  : never

/** Every pair `outer -> inner` of one chain (a chain is a total order), tagged with its rule. */
type ChainPairs<Chain, Rule extends string> = Chain extends readonly [
  infer Head extends LockClass,
  ...infer Tail extends ReadonlyArray<LockClass>,
]
  ? PairsFrom<Head, Tail[number], Rule> | ChainPairs<Tail, Rule>
  : never

/** The pairs every ordering rule states directly. */
type Direct = RulePairs<(typeof Ordering)[number]>

/** The classes stated directly before any class of `X`. */
type DirectlyBefore<X extends LockClass> = Extract<Direct, { readonly inner: X }>["outer"]

/** Classes reachable backwards from `Frontier` (transitive closure, cycle-safe). */
type Closure<Frontier extends LockClass, Seen extends LockClass> = [Frontier] extends [never]
  ? Seen
  : Closure<Exclude<DirectlyBefore<Frontier>, Seen | Frontier>, Seen | Frontier>

/** For each class, every class that must be taken before it (computed once per class). */
type BeforeMap = { readonly [C in LockClass]: Closure<DirectlyBefore<C>, never> }

/** The classes the ordering puts before `C` (excluding `C` itself, should a cycle occur). */
export type OrderedBefore<C extends LockClass> = Exclude<BeforeMap[C], C>

/** The pairs one ordering rule states. */
type RulePairs<O> = O extends {
  readonly id: infer Rule extends string
  readonly chains: ReadonlyArray<infer Chain>
}
  ? ChainPairs<Chain, Rule>
  : never

/** The IDs of the rules in `Os` stating `outer -> inner`, in table order, e.g. "O1, O2". */
type RulesStating<Os, Outer, Inner, Acc extends string = ""> = Os extends readonly [
  infer O,
  ...infer Rest,
]
  ? [Extract<RulePairs<O>, { readonly outer: Outer; readonly inner: Inner }>] extends [never]
    ? RulesStating<Rest, Outer, Inner, Acc>
    : O extends { readonly id: infer Id extends string }
      ? RulesStating<Rest, Outer, Inner, Acc extends "" ? Id : `${Acc}, ${Id}`>
      : never
  : Acc

/** The rules stating `outer -> inner`; pairs only the closure gives are "by transitivity". */
export type OrderRuleOf<Outer extends LockClass, Inner extends LockClass> =
  RulesStating<typeof Ordering, Outer, Inner> extends infer Found extends string
    ? Found extends ""
      ? "by transitivity of the ordering rules"
      : Found
    : never

/** The classes `R` acquires. */
export type AcquiredIn<R> = R extends Acquires<infer C, string> ? C : never

/** The classes acquired inside a scope of class `C` that the ordering puts before `C`. */
type Inverted<R, C extends LockClass> = Extract<AcquiredIn<R>, OrderedBefore<C>>

/**
 * The inversions in a scope of class `C` around `R`, as unsatisfiable requirements naming both
 * classes and the rule, e.g. "O3: lock inversion: i_mmap_rwsem is taken before anon_vma_rwsem
 * (O1), never inside it". Like a missing lock, they stay in `R` and the program cannot run.
 */
export type InversionsIn<R, C extends LockClass> = [
  Extract<R, Acquires<OrderedBefore<C>, string>>,
] extends [never]
  ? never
  : Inverted<R, C> extends infer X extends LockClass
    ? X extends LockClass
      ? `O3: lock inversion: ${X} is taken before ${C} (${OrderRuleOf<X, C>}), never inside it`
      : never
    : never

/**
 * What a scope of class `C` holding lock `L` in mode `M` on mm `Id` leaves of its body's `R`:
 * `Discharge<R, L, M, Id> | InversionsIn<R, C>` in one pass over the members of `R`.
 */
export type ScopeLeaves<
  R,
  L extends LockKind,
  M extends LockMode,
  Id extends string,
  C extends LockClass,
> =
  R extends Discharged<L, M, Id>
    ? never
    : R extends Acquires<OrderedBefore<C>, string>
      ? R | InversionsIn<R, C>
      : R

/** Taking the mmap lock of mm `Id` inside a scope of it (self-deadlock). */
export type L10RecursiveMmapLock<Id extends string> =
  `L10: the mmap lock of ${Id} is already held here: taking it again self-deadlocks (rwsems are not recursive)`

/** Taking the mmap lock of mm `Id` under a VMA read lock of it. */
export type L9MmapLockInsideVmaReadLock<Id extends string> =
  `L9: never take the mmap lock of ${Id} while holding a VMA read lock of it`

/** The violations of an mmap lock scope of mm `Id` around `R`: recursion (L10), inversions (O3). */
export type MmapViolations<R, Id extends string> =
  | ([Extract<R, Acquires<"mmap_lock", Id>>] extends [never] ? never : L10RecursiveMmapLock<Id>)
  | InversionsIn<R, "mmap_lock">

/** The violations of a VMA read lock scope of mm `Id` around `R`: the mmap lock of it inside (L9). */
export type VmaReadViolations<R, Id extends string> = [
  Extract<R, Acquires<"mmap_lock", Id>>,
] extends [never]
  ? never
  : L9MmapLockInsideVmaReadLock<Id>
