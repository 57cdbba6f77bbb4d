/**
 * Page-table and VMA operations. The `R` channel of each is read from its row of the rule
 * table (`Requires<Op, Id>`), so a call outside the right lock scopes leaves a named
 * `LockRequired` in `R` and the program cannot be run.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type { PageAddr, Pfn, VirtAddr } from "./Address.js"
import { Kernel, type OperationArgs } from "./Kernel.js"
import type { KernelError } from "./KernelError.js"
import type { Mm } from "./Mm.js"
import type { LockRequired, Requires, RequiresAction } from "./Requirement.js"
import type { ActionName, OperationName, Stabilisers, VmaField, VmaFields } from "./Rules.js"
import {
  handle,
  type StabilisedBy,
  type Stability,
  type StableMode,
  type Vma,
  type VmaInfo,
} from "./Vma.js"

/** An operation's Effect type: its result, kernel errors, and what its rule requires. */
export type Operation<A, Op extends OperationName, Id extends string> = Effect.Effect<
  A,
  KernelError,
  Requires<Op, Id> | Kernel
>

const operate = <A>(mm: string, action: ActionName | "writeVma", args: OperationArgs) =>
  Effect.flatMap(Effect.service(Kernel), (k) => k.operate(mm, action, args)) as Effect.Effect<
    A,
    KernelError,
    Kernel
  >

/**
 * find_vma: the VMA covering `addr` (L5, L6), as a handle typed by the lock that keeps it
 * stable: the mmap read lock by default, or what `how` names (e.g. `{ via: "mmap", mode:
 * "write" }` inside mmap_write_lock). That lock is what the lookup requires (`Rules.Stabilisers`).
 */
export const findVma = <
  Id extends string,
  Via extends StabilisedBy = "mmap",
  Mode extends StableMode = "read",
>(
  mm: Mm<Id>,
  addr: VirtAddr,
  how?: Stability<Via, Mode>,
): Effect.Effect<
  Vma<Id, Via, Mode>,
  KernelError,
  LockRequired<(typeof Stabilisers)[Via][Mode], Id> | Kernel
> =>
  Effect.map(
    Effect.flatMap(Effect.service(Kernel), (k) => k.findVma(mm.id, addr)),
    (info) => handle(mm, how ?? ({ via: "mmap", mode: "read" } as Stability<Via, Mode>), info),
  ) as never

/** Reads the VMA's current fields (L6: needs a lock that keeps it stable). */
export const readVma = <Id extends string>(vma: Vma<Id>): Operation<VmaInfo, "readVma", Id> =>
  operate<VmaInfo>(vma.mm.id, "readVma", { vma: vma.info.id }) as never

/** Writes one VMA field; the locks it needs come from that field's row (F1-F8). */
export const writeVma = <Id extends string, F extends VmaField>(
  vma: Vma<Id>,
  field: F,
  value: unknown,
): Operation<void, (typeof VmaFields)[F], Id> =>
  operate<void>(vma.mm.id, "writeVma", { vma: vma.info.id, field, value }) as never

/** anon_vma_prepare's store: sets anon_vma from NULL on first fault (F9: mmap read + page_table_lock). */
export const setAnonVma = <Id extends string>(vma: Vma<Id>): Operation<void, "setAnonVma", Id> =>
  operate<void>(vma.mm.id, "setAnonVma", { vma: vma.info.id }) as never

/** Sets anon_vma back to NULL (F9: mmap write + VMA write + anon_vma write). */
export const clearAnonVma = <Id extends string>(
  vma: Vma<Id>,
): Operation<void, "clearAnonVma", Id> =>
  operate<void>(vma.mm.id, "clearAnonVma", { vma: vma.info.id }) as never

/** One level visited by a page-table walk. */
export interface WalkStep {
  readonly level: "pgd" | "p4d" | "pud" | "pmd" | "pte"
  readonly index: number
  readonly folded: boolean
  readonly present: boolean
}

/** Walks the page tables of `addr` to its leaf (P2: any lock that keeps the VMA stable). */
export const walk = <Id extends string>(
  vma: Vma<Id>,
  addr: VirtAddr,
): Operation<ReadonlyArray<WalkStep>, "traverse", Id> =>
  operate<ReadonlyArray<WalkStep>>(vma.mm.id, "walk", { vma: vma.info.id, addr }) as never

/**
 * Installs a PTE mapping `addr` to `pfn` (P3: mmap or VMA lock, never an rmap lock alone), under
 * the PTE table's lock (P8) inside RCU (P10).
 */
export const installPte = <Id extends string>(
  vma: Vma<Id>,
  addr: VirtAddr,
  pfn: Pfn,
): Effect.Effect<void, KernelError, RequiresAction<"installPte", Id> | Kernel> =>
  operate<void>(vma.mm.id, "installPte", { vma: vma.info.id, addr, pfn }) as never

/** Zaps the leaf entries of [addr, end), keeping the tables (P4: stability suffices). */
export const zapRange = <Id extends string>(
  vma: Vma<Id>,
  addr: PageAddr,
  end: PageAddr,
): Operation<void, "zap", Id> =>
  operate<void>(vma.mm.id, "zapRange", { vma: vma.info.id, addr, end }) as never

/** Changes the accessed/dirty bits of the PTE at `addr` (P5, under the PTE lock: P8). */
export const changeAccessDirty = <Id extends string>(
  vma: Vma<Id>,
  addr: VirtAddr,
  bits: { readonly accessed?: boolean; readonly dirty?: boolean },
): Effect.Effect<void, KernelError, RequiresAction<"changeAccessDirty", Id> | Kernel> =>
  operate<void>(vma.mm.id, "changeAccessDirty", { vma: vma.info.id, addr, bits }) as never

/** free_pgtables for [addr, end) (P7: mmap write; the range zapped and unreachable). */
export const freePgtables = <Id extends string>(
  mm: Mm<Id>,
  addr: PageAddr,
  end: PageAddr,
): Operation<void, "freePgtables", Id> =>
  operate<void>(mm.id, "freePgtables", { addr, end }) as never

/** move_page_tables: moves [addr, end) to `to` (P14: mmap, VMA and rmap write locks). */
export const movePageTables = <Id extends string>(
  vma: Vma<Id>,
  addr: PageAddr,
  end: PageAddr,
  to: PageAddr,
): Operation<void, "movePageTables", Id> =>
  operate<void>(vma.mm.id, "movePageTables", { vma: vma.info.id, addr, end, to }) as never

/** Detaches `vma` from the mm's VMA tree, as munmap does before zapping (L7). */
export const detachVma = <Id extends string>(vma: Vma<Id>): Operation<void, "detachVma", Id> =>
  operate<void>(vma.mm.id, "detachVma", { vma: vma.info.id }) as never

/** retract_page_tables: unlinks the empty PTE table of `addr` (P15: i_mmap read + PMD + PTE lock). */
export const retractPteTable = <Id extends string>(
  vma: Vma<Id>,
  addr: VirtAddr,
): Operation<void, "retractPteTable", Id> =>
  operate<void>(vma.mm.id, "retractPteTable", { vma: vma.info.id, addr }) as never
