/**
 * Page-table and VMA operations. The `R` channel of each is read from its row of the rule
 * table (`Requires<Op, Id>`, on the VMA's kind where the row depends on it), so a call outside
 * the right lock scopes leaves a named `LockRequired` in `R` and the program cannot be run.
 * Operations on a handle also carry the handle's scope token: outside that scope they do not
 * compile (Scope.ts).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type { PageAddr, Pfn, VirtAddr } from "./Address.js"
import { Kernel, type OperationArgs } from "./Kernel.js"
import { type KernelError, RuleViolation } from "./KernelError.js"
import type { MmapLock, MmapMode } from "./Locks.js"
import type { Mm } from "./Mm.js"
import type { LockedPmd, LockedPte, ReadablePte } from "./PageTable.js"
import type {
  Discharged,
  ObjectsRequired,
  Requires,
  RequiresAction,
  RequiresOn,
} from "./Requirement.js"
import type { ActionName, OperationName, VmaField, VmaFields, VmaKind } from "./Rules.js"
import type { MmapScopeToken } from "./Scope.js"
import { type AnonKind, handle, type Vma, type VmaInfo } from "./Vma.js"

/** An operation's Effect type: its result, kernel errors, and what its rule requires. */
export type Operation<A, Op extends OperationName, Id extends string, T = never> = Effect.Effect<
  A,
  KernelError,
  Requires<Op, Id> | T | Kernel
>

const operate = <A>(mm: string, action: ActionName | "writeVma", args: OperationArgs) =>
  Effect.flatMap(Effect.service(Kernel), (k) => k.operate(mm, action, args)) as Effect.Effect<
    A,
    KernelError,
    Kernel
  >

/**
 * find_vma: the VMA covering `addr`, looked up under the mmap lock scope of `lock` (L5, L6). The
 * handle is valid only inside that scope.
 */
export const findVma = <Id extends string, M extends MmapMode, S, T extends MmapScopeToken>(
  lock: MmapLock<Id, M, S, T>,
  addr: VirtAddr,
): Effect.Effect<Vma<Id, T>, KernelError, T | Kernel> =>
  Effect.map(
    Effect.flatMap(Effect.service(Kernel), (k) => k.findVma(lock.mm.id, addr)),
    (info) => handle(lock.mm, info),
  )

/** Reads the VMA's current fields (L6: needs a lock that keeps it stable). */
export const readVma = <Id extends string, T, K extends VmaKind>(
  vma: Vma<Id, T, K>,
): Operation<VmaInfo, "readVma", Id, T> =>
  operate<VmaInfo>(vma.mm.id, "readVma", { vma: vma.info.id }) as never

/**
 * Writes one VMA field; the locks it needs come from that field's row (F1-F8), on the VMA's
 * kind; its rmap locks are those of this VMA's own address_space / anon_vma (F1, F7, F8).
 */
export const writeVma = <Id extends string, T, K extends VmaKind, F extends VmaField>(
  vma: Vma<Id, T, K>,
  field: F,
  value: unknown,
): Effect.Effect<
  void,
  KernelError,
  | RequiresOn<(typeof VmaFields)[F], Id, K>
  | ObjectsRequired<(typeof VmaFields)[F], K, T>
  | T
  | Kernel
> => operate<void>(vma.mm.id, "writeVma", { vma: vma.info.id, field, value }) as never

/** anon_vma_prepare's store: sets anon_vma from NULL on first fault (F9: mmap read + page_table_lock). */
export const setAnonVma = <Id extends string, T, K extends VmaKind>(
  vma: Vma<Id, T, K>,
): Operation<void, "setAnonVma", Id, T> =>
  operate<void>(vma.mm.id, "setAnonVma", { vma: vma.info.id }) as never

/**
 * Sets anon_vma back to NULL (F9: mmap write + VMA write + the write lock of this VMA's
 * anon_vma); only kinds that have one.
 */
export const clearAnonVma = <Id extends string, T, K extends AnonKind>(
  vma: Vma<Id, T, K>,
): Operation<void, "clearAnonVma", Id, T | ObjectsRequired<"clearAnonVma", K, T>> =>
  operate<void>(vma.mm.id, "clearAnonVma", { vma: vma.info.id }) as never

/** One level visited by a page-table walk. */
export interface WalkStep {
  readonly level: "pgd" | "p4d" | "pud" | "pmd" | "pte"
  readonly index: number
  readonly folded: boolean
  readonly present: boolean
}

/** Walks the page tables of `addr` to its leaf (P2: any lock that keeps the VMA stable). */
export const walk = <Id extends string, T, K extends VmaKind>(
  vma: Vma<Id, T, K>,
  addr: VirtAddr,
): Operation<ReadonlyArray<WalkStep>, "traverse", Id, T> =>
  operate<ReadonlyArray<WalkStep>>(vma.mm.id, "walk", { vma: vma.info.id, addr }) as never

/** Walks the page tables of `addr` with lockless reads (GUP-fast, P2, P13): only inside RCU (P16). */
export const walkLockless = <Id extends string>(
  mm: Mm<Id>,
  addr: VirtAddr,
): Operation<ReadonlyArray<WalkStep>, "traverseLockless", Id> =>
  operate<ReadonlyArray<WalkStep>>(mm.id, "walkLockless", { addr }) as never

/**
 * walk_page_range_debug (P6 rev 2): walks user page tables of [addr, end) that no VMA need
 * cover; needs the mmap WRITE lock (munmap frees tables under the downgraded read lock).
 */
export const walkPageRangeDebug = <
  Id extends string,
  M extends MmapMode,
  S,
  T extends MmapScopeToken,
>(
  lock: MmapLock<Id, M, S, T>,
  addr: PageAddr,
  end: PageAddr,
): Operation<ReadonlyArray<WalkStep>, "traverseNoVma", Id, T> =>
  operate<ReadonlyArray<WalkStep>>(lock.mm.id, "walkNoVma", { addr, end }) as never

/**
 * walk_kernel_page_table_range (P6 rev 2): walks kernel page tables, serialised by init_mm's
 * mmap lock (read for readers): `lock` is a scope of `Mm.initMm`.
 */
export const walkKernelPageTableRange = <M extends MmapMode, S, T extends MmapScopeToken>(
  lock: MmapLock<"init_mm", M, S, T>,
  addr: PageAddr,
  end: PageAddr,
): Operation<ReadonlyArray<WalkStep>, "traverseKernel", "init_mm", T> =>
  operate<ReadonlyArray<WalkStep>>(lock.mm.id, "walkKernel", { addr, end }) as never

/**
 * Installs a PTE mapping `addr` to `pfn` in the locked table `pte` (P3: mmap or VMA lock, never
 * an rmap lock alone; P8: this table's lock, which the handle proves; P10).
 */
export const installPte = <Id extends string, T>(
  pte: LockedPte<Id, T>,
  addr: VirtAddr,
  pfn: Pfn,
): Effect.Effect<void, KernelError, RequiresAction<"installPte", Id> | T | Kernel> =>
  operate<void>(pte.mm.id, "installPte", {
    vma: pte.vma.id,
    addr,
    pfn,
    table: pte.addr,
  }) as never

/**
 * do_anonymous_page's install: a new zeroed page, allocated by the kernel, mapped at `addr` in
 * the locked table `pte`; the same rules as installPte (P3, P8, P10).
 */
export const installNewPage = <Id extends string, T>(
  pte: LockedPte<Id, T>,
  addr: VirtAddr,
): Effect.Effect<void, KernelError, RequiresAction<"installPte", Id> | T | Kernel> =>
  operate<void>(pte.mm.id, "installPte", { vma: pte.vma.id, addr, table: pte.addr }) as never

/** Changes the accessed/dirty bits of the PTE at `addr` in the locked table `pte` (P5, P8). */
export const changeAccessDirty = <Id extends string, T>(
  pte: LockedPte<Id, T>,
  addr: VirtAddr,
  bits: { readonly accessed?: boolean; readonly dirty?: boolean },
): Effect.Effect<void, KernelError, RequiresAction<"changeAccessDirty", Id> | T | Kernel> =>
  operate<void>(pte.mm.id, "changeAccessDirty", {
    vma: pte.vma.id,
    addr,
    bits,
    table: pte.addr,
  }) as never

/** One PTE as read (ptep_get; ptep_get_lockless without the lock, P13). */
export interface PteValue {
  readonly present: boolean
  readonly pfn?: bigint
}

/** Reads the PTE at `addr` of a locked or mapped table (P10, P13, P16). */
export const readPte = <Id extends string, T>(
  pte: ReadablePte<Id, T>,
  addr: VirtAddr,
): Effect.Effect<PteValue, KernelError, RequiresAction<"readPte", Id> | T | Kernel> =>
  operate<PteValue>(pte.mm.id, "readPte", {
    vma: pte.vma.id,
    addr,
    table: pte.addr,
    ...(pte._tag === "MappedPte" ? { mapped: true } : {}),
  }) as never

/** Zaps the leaf entries of [addr, end), keeping the tables (P4: stability suffices). */
export const zapRange = <Id extends string, T, K extends VmaKind>(
  vma: Vma<Id, T, K>,
  addr: PageAddr,
  end: PageAddr,
): Operation<void, "zap", Id, T> =>
  operate<void>(vma.mm.id, "zapRange", { vma: vma.info.id, addr, end }) as never

/**
 * Proof that munmap detached a VMA from the mm's tree under the mmap write lock of the scope
 * whose token is `T` (P7 rev 2). Only `detachVma` makes one; with the mmap lock of that scope still held (after a
 * downgrade, in read mode), it lets `freePgtables` free the VMA's page tables.
 */
export interface Detached<Id extends string, T extends MmapScopeToken> {
  readonly _tag: "Detached"
  readonly mm: Mm<Id>
  readonly start: bigint
  readonly end: bigint
  readonly "P7: detached under the mmap lock scope that is still held": T
}

/** Detaches `vma` from the mm's VMA tree, as munmap does before zapping (L7, V7). */
export const detachVma = <Id extends string, T extends MmapScopeToken, K extends VmaKind>(
  vma: Vma<Id, T, K>,
): Effect.Effect<Detached<Id, T>, KernelError, Requires<"detachVma", Id> | T | Kernel> =>
  Effect.as(operate<void>(vma.mm.id, "detachVma", { vma: vma.info.id }), {
    _tag: "Detached",
    mm: vma.mm,
    start: vma.info.start,
    end: vma.info.end,
    "P7: detached under the mmap lock scope that is still held": {} as T,
  })

/** What free_pgtables requires: with detach proofs, the mmap lock in either mode (P7 rev 2). */
export type FreePgtablesRequires<Id extends string, D extends ReadonlyArray<unknown>> = D extends []
  ? Requires<"freePgtables", Id>
  : Exclude<Requires<"freePgtables", Id>, Discharged<"vmaDetached", "held", Id>>

/**
 * free_pgtables for [addr, end) (P7): under the mmap write lock, or (munmap after
 * mmap_write_downgrade, rev 2) under the same mmap lock scope in read mode with the proofs that
 * the VMAs covering the range were detached. A range the proofs do not cover fails with P7
 * before anything runs.
 */
export const freePgtables = <
  Id extends string,
  M extends MmapMode,
  S,
  T extends MmapScopeToken,
  D extends ReadonlyArray<Detached<Id, T>>,
>(
  lock: MmapLock<Id, M, S, T>,
  addr: PageAddr,
  end: PageAddr,
  ...detached: D
): Effect.Effect<void, KernelError, FreePgtablesRequires<Id, D> | T | Kernel> => {
  const covered = (a: bigint): bigint | undefined =>
    detached.find((d) => d.start <= a && a < d.end)?.end
  let at: bigint | undefined = addr
  while (detached.length > 0 && at !== undefined && at < end) at = covered(at)
  if (at === undefined)
    return Effect.fail(
      new RuleViolation({
        rule: "P7",
        message: `free_pgtables over [${addr}, ${end}): the detached VMAs do not cover the range, a VMA spanning it may still be reachable`,
      }),
    )
  return operate<void>(lock.mm.id, "freePgtables", { addr, end }) as never
}

/**
 * unlink_anon_vmas on a VMA munmap detached (F9's exception): its anon_vma is cleared under the
 * downgraded mmap read lock and the anon_vma write lock; `detached` proves the VMA was detached
 * under the write lock first, so no lookup can reach it any more.
 */
export const unlinkAnonVmas = <Id extends string, T, K extends AnonKind, D extends MmapScopeToken>(
  vma: Vma<Id, T, K>,
  detached: Detached<Id, D>,
): Effect.Effect<void, KernelError, Requires<"clearAnonVmaDetached", Id> | T | D | Kernel> =>
  operate<void>(detached.mm.id, "clearAnonVma", { vma: vma.info.id }) as never

/**
 * vm_area_free: frees the VMA object munmap detached (V7). The slab hands it out again at once
 * (SLAB_TYPESAFE_BY_RCU), so a lock_vma_under_rcu that found it earlier may lock it for another
 * range or mm: the reason that lookup re-checks after locking.
 */
export const vmAreaFree = <Id extends string, T extends MmapScopeToken>(
  detached: Detached<Id, T>,
): Effect.Effect<void, KernelError, Requires<"freeVma", Id> | T | Kernel> =>
  operate<void>(detached.mm.id, "freeVma", { addr: detached.start }) as never

/**
 * mmap_region: maps a new anonymous VMA over [addr, end) (vm_area_alloc, then vma_link attaches
 * it write-locked), under the mmap write lock (V7).
 */
export const mmapRegion = <Id extends string, M extends MmapMode, S, T extends MmapScopeToken>(
  lock: MmapLock<Id, M, S, T>,
  addr: PageAddr,
  end: PageAddr,
): Effect.Effect<void, KernelError, Requires<"attachVma", Id> | T | Kernel> =>
  operate<void>(lock.mm.id, "mapVma", { addr, end }) as never

/**
 * move_page_tables: moves [addr, end) to `to` (P14: mmap, VMA and the rmap write locks of the
 * VMA's kind, on this VMA's own address_space / anon_vma).
 */
export const movePageTables = <Id extends string, T, K extends VmaKind>(
  vma: Vma<Id, T, K>,
  addr: PageAddr,
  end: PageAddr,
  to: PageAddr,
): Effect.Effect<
  void,
  KernelError,
  RequiresOn<"movePageTables", Id, K> | ObjectsRequired<"movePageTables", K, T> | T | Kernel
> => operate<void>(vma.mm.id, "movePageTables", { vma: vma.info.id, addr, end, to }) as never

/** A call freeing the PTE table `pte` under its PMD table's lock `pmd` as well (row `op`). */
const pteTableFree =
  <Op extends "retractPteTable" | "reclaimPteTable">(op: Op) =>
  <Id extends string, T1, T2>(
    pmd: LockedPmd<Id, T1>,
    pte: LockedPte<Id, T2>,
  ): Effect.Effect<void, KernelError, Requires<Op, Id> | T1 | T2 | Kernel> =>
    operate<void>(pte.mm.id, op, { vma: pte.vma.id, addr: pte.addr, table: pmd.addr }) as never

/**
 * retract_page_tables (khugepaged, P15): unlinks the empty PTE table `pte` under the i_mmap read
 * lock, its PMD table's lock `pmd` and its own lock.
 */
export const retractPteTable = pteTableFree("retractPteTable")

/**
 * try_to_free_pte (PT_RECLAIM): frees the PTE table `pte` that a zap left empty, clearing the
 * PMD entry under the PMD table's lock `pmd`; the table itself goes after an RCU grace period,
 * so a walker that mapped it under RCU stays safe (P17).
 */
export const reclaimPteTable = pteTableFree("reclaimPteTable")
