/**
 * The VMA fields a program writes and the kernel calls core exposes, each mapped to the
 * operation rows of the rule table that govern it (F1-F9 for fields; an install is also an
 * entry change under the PTE lock and inside RCU). Part of `Rules` (re-exported there).
 *
 * @since 0.3.0
 */
import type { LockKind, Operations } from "./Rules.js"

/** The VMA fields a program can write, each with the operation (row) that governs it. */
export const VmaFields = {
  vm_start: "writeVmStart",
  vm_end: "writeVmStart",
  vm_pgoff: "writeVmStart",
  vm_mm: "writeSetupField",
  vm_file: "writeSetupField",
  vm_ops: "writeSetupField",
  vm_flags: "writeVmFlags",
  vm_page_prot: "writeVmFlags",
  vm_private_data: "writePrivateData",
  anon_name: "writeConfigField",
  vm_policy: "writeConfigField",
  vm_userfaultfd_ctx: "writeConfigField",
  vm_uffd_state: "writeConfigField",
  swap_readahead_info: "writeSwapReadahead",
  numab_state: "writeNumabState",
  shared_rb: "writeSharedRb",
  anon_vma_chain: "writeAnonVmaChain",
} as const satisfies Record<string, keyof typeof Operations>

/** A writable VMA field, e.g. `"vm_start"`. */
export type VmaField = keyof typeof VmaFields

/**
 * The VMA fields accessed atomically, each with the lock kind of its row that the atomic access
 * itself stands for (F6: swap_readahead_info is an atomic_long_t that swap readahead sets with
 * atomic_long_set, holding only the mmap read lock). A plain store meets no such lock.
 */
export const AtomicFields = {
  swap_readahead_info: "swapLock",
} as const satisfies { readonly [F in VmaField]?: LockKind }

/** A VMA field accessed atomically, e.g. `"swap_readahead_info"`. */
export type AtomicField = keyof typeof AtomicFields

/**
 * The kernel API calls that core exposes and sim programs perform, each with the operation
 * rows it must satisfy together (an install is also an entry change under the PTE lock, P8,
 * inside RCU, P10).
 */
export const Actions = {
  findVma: ["readVma"],
  readVma: ["readVma"],
  walk: ["traverse"],
  walkLockless: ["traverseLockless"],
  installPte: ["install", "changeEntry", "accessPteTable"],
  zapRange: ["zap"],
  changeAccessDirty: ["changeAccessDirty", "changeEntry"],
  freePgtables: ["freePgtables"],
  movePageTables: ["movePageTables"],
  retractPteTable: ["retractPteTable"],
  setAnonVma: ["setAnonVma"],
  clearAnonVma: ["clearAnonVma"],
  detachVma: ["detachVma"],
  walkNoVma: ["traverseNoVma"],
  walkKernel: ["traverseKernel"],
  readPte: ["accessPteTable"],
  mapVma: ["attachVma"],
  freeVma: ["freeVma"],
  reclaimPteTable: ["reclaimPteTable"],
} as const satisfies Record<string, ReadonlyArray<keyof typeof Operations>>

/** A kernel API call named in `Actions`. */
export type ActionName = keyof typeof Actions
