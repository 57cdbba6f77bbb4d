/**
 * How a lock step's target (`Program.LockTarget`) becomes a lock: each lock primitive module
 * gives, per target it owns, a resolver to a lock id, rule kind and ordering class, and the
 * hooks that make that lock special (a check before taking it, what releasing it ends). The
 * generic lock steps (`Locking`) dispatch on this table.
 *
 * @since 0.2.0
 */
import type { Rules } from "@mmguard/core"
import type { LockTarget } from "../Program.js"
import type { Task } from "../Task.js"
import type { State } from "./State.js"

/** A lock step's target, resolved: the lock id, its rule kind and ordering class. */
export interface Resolved {
  readonly id: string
  readonly kind: Rules.LockKind | "class"
  readonly cls: Rules.LockClass | undefined
  /** PTE and PMD locks: the pfn of the table the lock belongs to, if one is there. */
  readonly table?: number
}

/** The part of a lock primitive the generic lock steps call, for one kind of target. */
export interface TargetHandler<T extends LockTarget> {
  /**
   * The lock `target` names for task `t`, or the reason it names none. With `allocate` a
   * missing page table is allocated first (pte_alloc_map_lock does, in one step).
   */
  readonly resolve: (st: State, t: Task, target: T, allocate: boolean) => Resolved | string
  /** Checks before the lock is taken (against core's rule table). */
  readonly beforeLock?: (st: State, t: Task) => void
  /** What releasing the lock in `mode` ends besides the lock itself. */
  readonly afterUnlock?: (st: State, t: Task, mode: "read" | "write") => void
  /** Resources besides the lock itself that resolving the target reads (for footprints). */
  readonly reads: ReadonlyArray<string> | ((st: State, t: Task, target: T) => ReadonlyArray<string>)
  /**
   * Resources besides the lock itself that a lock step (`taking`) or an unlock step changes
   * (for footprints): the VMA sequence counts, a page table allocated on the way.
   */
  readonly writes?: (st: State, t: Task, r: Resolved, taking: boolean) => ReadonlyArray<string>
}

/** One handler per target kind. */
export type TargetHandlers = {
  readonly [K in LockTarget["lock"]]: TargetHandler<Extract<LockTarget, { lock: K }>>
}

/** `{ table }` when a table pfn is known, else nothing (for optional fields). */
export const table = (pfn: number | undefined): { table?: number } =>
  pfn === undefined ? {} : { table: pfn }
