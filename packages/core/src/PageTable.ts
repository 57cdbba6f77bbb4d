/**
 * Page table lock scopes and the table handles they hand their bodies (P8-P11, P16). As the
 * kernel's pte_offset_map_lock returns the pte pointer with its lock, `pteOffsetMapLock` gives
 * its body the locked table, and entry operations take it: holding one table's lock never
 * permits changing an entry of another table (P8). The handle is valid until the unlock.
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import type { VirtAddr } from "./Address.js"
import type { Kernel, LockRequest } from "./Kernel.js"
import type { KernelError } from "./KernelError.js"
import type { Mm } from "./Mm.js"
import type { Acquires, ScopeLeaves } from "./Order.js"
import type { Discharge } from "./Requirement.js"
import type { LockKind, LockMode, VmaKind } from "./Rules.js"
import {
  bound,
  held,
  type InNestedPteLockScope,
  type InPmdLockScope,
  type InPteLockScope,
  type InPteMapScope,
  type ScopeBound,
  withKernel,
} from "./Scope.js"
import type { Vma, VmaInfo } from "./Vma.js"

/** What every table handle records: the mm, the VMA it was reached through, the address. */
interface TableOf<Id extends string> {
  readonly mm: Mm<Id>
  readonly vma: VmaInfo
  readonly addr: VirtAddr
}

/** The PTE table of `addr`, locked (pte_offset_map_lock): entry changes take it (P8). */
export interface LockedPte<Id extends string, T> extends TableOf<Id> {
  readonly _tag: "LockedPte"
  readonly "P8: the lock of this PTE table is held (pte_offset_map_lock)": ScopeBound<T>
}

/** The PTE table of `addr`, mapped under RCU without its lock (pte_offset_map): read-only (P10, P16). */
export interface MappedPte<Id extends string, T> extends TableOf<Id> {
  readonly _tag: "MappedPte"
  readonly "P10: this PTE table is mapped under RCU (pte_offset_map)": ScopeBound<T>
}

/** The PMD table of `addr`, locked (pmd_lock): PMD entry changes take it (P8, P9). */
export interface LockedPmd<Id extends string, T> extends TableOf<Id> {
  readonly _tag: "LockedPmd"
  readonly "P8: the lock of this PMD table is held (pmd_lock)": ScopeBound<T>
}

/** A PTE table a reader may read entries of: locked or mapped. */
export type ReadablePte<Id extends string, T> = LockedPte<Id, T> | MappedPte<Id, T>

/** The type of a page table lock scope on a VMA (token `T`) of mm `Id`. */
type TableScoped<
  A,
  E,
  R,
  T,
  L extends LockKind,
  M extends LockMode,
  Id extends string,
> = Effect.Effect<
  A,
  E | KernelError,
  ScopeLeaves<R, L, M, Id, "page_table_lock"> | T | Kernel | Acquires<"page_table_lock", Id>
>

const tableScope = <Tag extends string, Prop extends string>(
  tag: Tag,
  prop: Prop,
  lock: LockKind,
  vma: { readonly mm: Mm<string>; readonly info: VmaInfo },
  addr: VirtAddr,
  body: (table: never) => Effect.Effect<unknown, unknown, unknown>,
) =>
  held(
    { mm: vma.mm.id, lock, mode: "held", vma: vma.info.id, addr },
    Effect.suspend(() =>
      body({ _tag: tag, mm: vma.mm, vma: vma.info, addr, [prop]: bound() } as never),
    ),
  )

/**
 * pte_offset_map_lock (P10, P11): maps the PTE table of `addr` inside RCU, takes its lock and
 * re-checks the PMD entry (retrying if it changed); hands `body` the locked table;
 * pte_unmap_unlock on every exit.
 */
export const pteOffsetMapLock = <Id extends string, T, K extends VmaKind, A, E, R>(
  vma: Vma<Id, T, K>,
  addr: VirtAddr,
  body: <S>(pte: LockedPte<Id, InPteLockScope<S>>) => Effect.Effect<A, E, R | InPteLockScope<S>>,
): TableScoped<A, E, R, T, "pteLock", "held", Id> =>
  tableScope(
    "LockedPte",
    "P8: the lock of this PTE table is held (pte_offset_map_lock)",
    "pteLock",
    vma,
    addr,
    body as never,
  ) as never

/**
 * A second PTE table lock taken while one is held (move_ptes: the destination table's lock,
 * spin_lock_nested). Like pteOffsetMapLock, with a scope of its own kind so both tables'
 * handles stay usable in the body.
 */
export const pteOffsetMapLockNested = <Id extends string, T, K extends VmaKind, A, E, R>(
  vma: Vma<Id, T, K>,
  addr: VirtAddr,
  body: <S>(
    pte: LockedPte<Id, InNestedPteLockScope<S>>,
  ) => Effect.Effect<A, E, R | InNestedPteLockScope<S>>,
): TableScoped<A, E, R, T, "pteLock", "held", Id> =>
  tableScope(
    "LockedPte",
    "P8: the lock of this PTE table is held (pte_offset_map_lock)",
    "pteLock",
    vma,
    addr,
    body as never,
  ) as never

/** pmd_lock: the split lock of the PMD table mapping `addr` (P9); hands `body` the locked table. */
export const pmdLock = <Id extends string, T, K extends VmaKind, A, E, R>(
  vma: Vma<Id, T, K>,
  addr: VirtAddr,
  body: <S>(pmd: LockedPmd<Id, InPmdLockScope<S>>) => Effect.Effect<A, E, R | InPmdLockScope<S>>,
): TableScoped<A, E, R, T, "pmdLock", "held", Id> =>
  tableScope(
    "LockedPmd",
    "P8: the lock of this PMD table is held (pmd_lock)",
    "pmdLock",
    vma,
    addr,
    body as never,
  ) as never

/**
 * pte_offset_map without the lock, for readers (P10, P16): enters RCU, maps the PTE table of
 * `addr` and hands `body` the mapped table, whose entries it may only read (ptep_get); pte_unmap
 * and rcu_read_unlock on every exit. To change an entry, take pteOffsetMapLock (P8).
 */
export const pteOffsetMap = <Id extends string, T, K extends VmaKind, A, E, R>(
  vma: Vma<Id, T, K>,
  addr: VirtAddr,
  body: <S>(pte: MappedPte<Id, InPteMapScope<S>>) => Effect.Effect<A, E, R | InPteMapScope<S>>,
): Effect.Effect<A, E | KernelError, Discharge<R, "rcu", "held", string> | T | Kernel> =>
  held(
    { mm: "", lock: "rcu", mode: "held" },
    Effect.suspend(() =>
      body({
        _tag: "MappedPte",
        mm: vma.mm,
        vma: vma.info,
        addr,
        "P10: this PTE table is mapped under RCU (pte_offset_map)": bound<InPteMapScope<unknown>>(),
      }),
    ),
  ) as never

/** spin_lock(&mm->page_table_lock) (P9, F9). */
export const mmPageTableLock = <Id extends string, A, E, R>(
  mm: Mm<Id>,
  body: Effect.Effect<A, E, R>,
): Effect.Effect<
  A,
  E | KernelError,
  | ScopeLeaves<R, "pageTableLock", "held", Id, "page_table_lock">
  | Kernel
  | Acquires<"page_table_lock", Id>
> => held({ mm: mm.id, lock: "pageTableLock", mode: "held" }, body) as never

/** rcu_read_lock / rcu_read_unlock around `body` (P10, P16). RCU is global: it serves every mm. */
export const rcuReadLock = <A, E, R>(
  body: Effect.Effect<A, E, R>,
): Effect.Effect<A, E | KernelError, Discharge<R, "rcu", "held", string> | Kernel> =>
  held({ mm: "", lock: "rcu", mode: "held" }, body) as never

/**
 * Runs `onFound` when the lock request `req` (a try) is granted, releasing it on every exit;
 * `onMissing` otherwise.
 */
const tryScope = (
  req: LockRequest,
  onFound: () => Effect.Effect<unknown, unknown, unknown>,
  onMissing: () => Effect.Effect<unknown, unknown, unknown>,
) =>
  Effect.flatMap(
    withKernel((k) => k.lock(req)),
    (outcome) =>
      outcome.acquired
        ? Effect.ensuring(onFound(), Effect.orDie(withKernel((k) => k.unlock(req))))
        : onMissing(),
  )

/** The two cases of pte_offset_map_rw_nolock: the table mapped, or none there. */
export interface PteOffsetMapRwNolockCases<Id extends string, A, E, R, A2, E2, R2> {
  /** Runs with the table mapped under RCU, its lock not held: read entries, or lock it. */
  readonly onMapped: <S>(
    pte: MappedPte<Id, InPteMapScope<S>>,
  ) => Effect.Effect<A, E, R | InPteMapScope<S>>
  /** Runs when the PMD entry holds no PTE table (none, or a huge leaf). */
  readonly onNone: () => Effect.Effect<A2, E2, R2>
}

/**
 * pte_offset_map_rw_nolock (P10, P16): enters RCU and maps the PTE table of `addr` as the PMD
 * entry points now, without its lock; pte_unmap on every exit. The caller that changes an entry
 * takes the table's lock with `pteLockRevalidate`, which re-checks the PMD entry.
 */
export const pteOffsetMapRwNolock = <Id extends string, T, K extends VmaKind, A, E, R, A2, E2, R2>(
  vma: Vma<Id, T, K>,
  addr: VirtAddr,
  cases: PteOffsetMapRwNolockCases<Id, A, E, R, A2, E2, R2>,
): Effect.Effect<
  A | A2,
  E | E2 | KernelError,
  Discharge<R, "rcu", "held", string> | R2 | T | Kernel
> =>
  tryScope(
    { mm: vma.mm.id, lock: "rcu", mode: "held", attempt: "try", vma: vma.info.id, addr },
    () =>
      cases.onMapped({
        _tag: "MappedPte",
        mm: vma.mm,
        vma: vma.info,
        addr,
        "P10: this PTE table is mapped under RCU (pte_offset_map)": bound<InPteMapScope<unknown>>(),
      }),
    cases.onNone,
  ) as never

/** The two cases of `pteLockRevalidate`: locked and still mapped, or the PMD entry changed. */
export interface PteLockRevalidateCases<Id extends string, A, E, R, A2, E2, R2> {
  /** Runs with the table's lock held and the PMD entry re-checked: entries may change (P8). */
  readonly onLocked: <S>(
    pte: LockedPte<Id, InPteLockScope<S>>,
  ) => Effect.Effect<A, E, R | InPteLockScope<S>>
  /** Runs when the PMD entry no longer points at the table (freed or replaced): retry or give up. */
  readonly onChanged: () => Effect.Effect<A2, E2, R2>
}

/**
 * spin_lock(pte_lockptr) on a table mapped by pte_offset_map_rw_nolock, then the pmd_same
 * re-check (P16, P10): an entry found under RCU alone is acted on only after the lock is taken
 * and the PMD entry still points at the table. The lock is released on every exit.
 */
export const pteLockRevalidate = <Id extends string, T, A, E, R, A2, E2, R2>(
  pte: MappedPte<Id, T>,
  cases: PteLockRevalidateCases<Id, A, E, R, A2, E2, R2>,
): Effect.Effect<
  A | A2,
  E | E2 | KernelError,
  | ScopeLeaves<R, "pteLock", "held", Id, "page_table_lock">
  | R2
  | T
  | Kernel
  | Acquires<"page_table_lock", Id>
> =>
  tryScope(
    {
      mm: pte.mm.id,
      lock: "pteLock",
      mode: "held",
      attempt: "try",
      vma: pte.vma.id,
      addr: pte.addr,
    },
    () =>
      cases.onLocked({
        _tag: "LockedPte",
        mm: pte.mm,
        vma: pte.vma,
        addr: pte.addr,
        "P8: the lock of this PTE table is held (pte_offset_map_lock)":
          bound<InPteLockScope<unknown>>(),
      }),
    cases.onChanged,
  ) as never
