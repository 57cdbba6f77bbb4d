/**
 * The one rule table of mmguard: the locking rules of the kernel document "Process Addresses"
 * (../shared/spec/RULES.md) as data. core's types, sim's run-time checker and the tutor's judge
 * are all computed from this module; nothing else restates a rule.
 *
 * Shape: an operation needs a conjunction of *clauses*; a clause is a disjunction of lock
 * requirements ("the mmap lock OR the VMA lock, read or write"). Each clause has a stable name,
 * which core turns into a requirement type such as `LockRequired<"MmapWriteLock", "proc1">`.
 *
 * @since 0.1.0
 */

export * from "./FieldsAndCalls.js"
export * from "./LockStateRules.js"
export * from "./OrderingRules.js"

/**
 * Every lock a rule can name. `rmap` requirements name `anonVma` or `iMmap` explicitly.
 * `vmaSetup` and `vmaDetached` are states, not locks: initial setup (F2), and VMAs that munmap
 * detached under the mmap write lock before downgrading it (P7 rev 2).
 */
export const LockKinds = [
  "mmap",
  "vma",
  "anonVma",
  "iMmap",
  "pageTableLock",
  "pmdLock",
  "pteLock",
  "rcu",
  "swapLock",
  "numabLock",
  "vmaSetup",
  "vmaDetached",
] as const

/** A lock kind named by the rules. */
export type LockKind = (typeof LockKinds)[number]

/** How a lock is held: rwsems in read or write mode, spinlocks / RCU / setup simply held. */
export type LockMode = "read" | "write" | "held"

/** One lock requirement: `read` is met by read or write, `write` only by write, `held` by any. */
export interface LockRequirement {
  readonly lock: LockKind
  readonly mode: LockMode
}

/** A named disjunction of lock requirements: holding any one of them satisfies the clause. */
export interface Clause {
  readonly text: string
  readonly anyOf: ReadonlyArray<LockRequirement>
}

/** Which locks one context (one task, one mm, one VMA, one table) holds, and how. */
export type LockState = { readonly [K in LockKind]?: LockMode }

// Generic so that the literal lock kinds survive into the types that core computes.
const r = <L extends LockKind>(lock: L) => ({ lock, mode: "read" }) as const
const w = <L extends LockKind>(lock: L) => ({ lock, mode: "write" }) as const
const h = <L extends LockKind>(lock: L) => ({ lock, mode: "held" }) as const

/**
 * The clauses. Their names become type names in compiler messages, so each reads as the lock
 * a kernel developer would say is missing.
 */
export const Clauses = {
  MmapReadLock: { text: "the mmap lock, read or write (mmap_read_lock)", anyOf: [r("mmap")] },
  MmapWriteLock: { text: "the mmap lock in write mode (mmap_write_lock)", anyOf: [w("mmap")] },
  VmaWriteLock: { text: "the VMA write lock (vma_start_write)", anyOf: [w("vma")] },
  VmaReadLock: {
    text: "the VMA lock, read or write (lock_vma_under_rcu)",
    anyOf: [r("vma")],
  },
  MmapOrVmaLock: {
    text: "the mmap lock or the VMA lock, read or write (an rmap lock is not enough)",
    anyOf: [r("mmap"), r("vma")],
  },
  StableVmaLock: {
    text: "a lock that keeps the VMA stable: mmap lock, VMA read lock or an rmap lock",
    anyOf: [r("mmap"), r("vma"), r("anonVma"), r("iMmap")],
  },
  RmapWriteLock: {
    text: "the rmap write lock (i_mmap_lock_write or anon_vma_lock_write)",
    anyOf: [w("iMmap"), w("anonVma")],
  },
  RmapReadLock: {
    text: "an rmap lock, read or write (i_mmap_lock_read or anon_vma_lock_read)",
    anyOf: [r("iMmap"), r("anonVma")],
  },
  IMmapReadLock: { text: "the i_mmap lock, read or write (i_mmap_lock_read)", anyOf: [r("iMmap")] },
  IMmapWriteLock: {
    text: "the i_mmap lock in write mode (i_mmap_lock_write)",
    anyOf: [w("iMmap")],
  },
  AnonVmaWriteLock: {
    text: "the anon_vma lock in write mode (anon_vma_lock_write)",
    anyOf: [w("anonVma")],
  },
  MmapWriteOrDetached: {
    text: "the mmap write lock, or the range's VMAs detached under the mmap lock (munmap's downgrade)",
    anyOf: [w("mmap"), h("vmaDetached")],
  },
  MmPageTableLock: { text: "mm->page_table_lock", anyOf: [h("pageTableLock")] },
  PmdLock: { text: "the PMD table's split lock (pmd_lock)", anyOf: [h("pmdLock")] },
  PteLock: { text: "the PTE table's lock (pte_offset_map_lock)", anyOf: [h("pteLock")] },
  PageTableEntryLock: {
    text: "the lock of the table whose entry changes (pte/pmd split lock or mm->page_table_lock)",
    anyOf: [h("pteLock"), h("pmdLock"), h("pageTableLock")],
  },
  RcuReadLock: {
    text: "the RCU read lock (rcu_read_lock), or the PTE lock taken under it",
    anyOf: [h("rcu"), h("pteLock")],
  },
  SwapReadaheadLock: { text: "the swap readahead lock, used atomically", anyOf: [h("swapLock")] },
  NumabLock: { text: "the NUMA balancing lock of task_numa_work", anyOf: [h("numabLock")] },
  VmaSetupOnly: {
    text: "initial VMA setup, before the VMA is visible (no later write is allowed)",
    anyOf: [h("vmaSetup")],
  },
} as const satisfies Record<string, Clause>

/** The name of a clause, e.g. `"MmapWriteLock"`. */
export type ClauseName = keyof typeof Clauses

/** Section titles of the kernel document, for citations. */
export type Section =
  | "Lock usage"
  | "VMA fields"
  | "Page tables"
  | "Lock ordering"
  | "Page table locking details"
  | "Page table freeing"
  | "Page table moving"
  | "VMA lock internals"
  | "mmap write lock downgrading"
  | "Stack expansion"

/** One checked rule: an operation, the rule it comes from and the clauses it needs. */
export interface Rule {
  readonly id: string
  readonly section: Section
  readonly title: string
  readonly requires: ReadonlyArray<ClauseName>
  /** Locks that must NOT be held by the same task when this operation starts. */
  readonly forbids?: ReadonlyArray<LockRequirement>
}

/**
 * The operations and the rule that governs each. Every key is an operation name used by core's
 * API, sim's checker and the tutor's palette.
 */
export const Operations = {
  // Lock acquisition preconditions (L)
  mmapLock: {
    id: "L9",
    section: "Lock usage",
    title: "take the mmap lock (never while holding a VMA read lock)",
    requires: [],
    forbids: [r("vma")],
  },
  vmaStartWrite: {
    id: "L3",
    section: "Lock usage",
    title: "write-lock a VMA (vma_start_write)",
    requires: ["MmapWriteLock"],
  },
  vmaStartWriteKillable: {
    id: "L11",
    section: "Lock usage",
    title: "write-lock a VMA, killable (vma_start_write_killable; -EINTR must be handled)",
    requires: ["MmapWriteLock"],
  },
  vmaStartReadLocked: {
    id: "V8",
    section: "VMA lock internals",
    title: "read-lock a VMA under the mmap read lock (vma_start_read_locked; can fail)",
    requires: ["MmapReadLock"],
  },
  lockVmaUnderRcu: {
    id: "L2",
    section: "Lock usage",
    title: "read-lock a VMA (lock_vma_under_rcu)",
    requires: [],
  },
  // Reading VMA metadata (L6)
  readVma: {
    id: "L6",
    section: "Lock usage",
    title: "read VMA fields",
    requires: ["StableVmaLock"],
  },
  // VMA field writes (F)
  writeVmStart: {
    id: "F1",
    section: "VMA fields",
    title: "write vm_start, vm_end or vm_pgoff",
    requires: ["MmapWriteLock", "VmaWriteLock", "RmapWriteLock"],
  },
  writeSetupField: {
    id: "F2",
    section: "VMA fields",
    title: "write vm_mm, vm_file or vm_ops",
    requires: ["VmaSetupOnly"],
  },
  writeVmFlags: {
    id: "F3",
    section: "VMA fields",
    title: "write vm_flags or vm_page_prot",
    requires: ["MmapWriteLock", "VmaWriteLock"],
  },
  writePrivateData: {
    id: "F4",
    section: "VMA fields",
    title: "write vm_private_data (driver-owned)",
    requires: [],
  },
  writeConfigField: {
    id: "F5",
    section: "VMA fields",
    title: "write anon_name, vm_policy or vm_userfaultfd_ctx (vm_uffd_state)",
    requires: ["MmapWriteLock", "VmaWriteLock"],
  },
  writeSwapReadahead: {
    id: "F6",
    section: "VMA fields",
    title: "write swap_readahead_info",
    requires: ["MmapReadLock", "SwapReadaheadLock"],
  },
  writeNumabState: {
    id: "F6",
    section: "VMA fields",
    title: "write numab_state",
    requires: ["MmapReadLock", "NumabLock"],
  },
  writeSharedRb: {
    id: "F7",
    section: "VMA fields",
    title: "write shared.rb / shared.rb_subtree_last",
    requires: ["MmapWriteLock", "VmaWriteLock", "IMmapWriteLock"],
  },
  writeAnonVmaChain: {
    id: "F8",
    section: "VMA fields",
    title: "write anon_vma_chain",
    requires: ["MmapReadLock", "AnonVmaWriteLock"],
  },
  setAnonVma: {
    id: "F9",
    section: "VMA fields",
    title: "set anon_vma from NULL (anon_vma_prepare)",
    requires: ["MmapReadLock", "MmPageTableLock"],
  },
  clearAnonVma: {
    id: "F9",
    section: "VMA fields",
    title: "set anon_vma back to NULL",
    requires: ["MmapWriteLock", "VmaWriteLock", "AnonVmaWriteLock"],
  },
  // Page tables (P)
  traverse: {
    id: "P2",
    section: "Page tables",
    title: "traverse page tables",
    requires: ["StableVmaLock"],
  },
  traverseLockless: {
    id: "P13",
    section: "Page tables",
    title: "walk page tables locklessly (GUP-fast: lockless reads inside RCU)",
    requires: ["RcuReadLock"],
  },
  traverseNoVma: {
    id: "P6",
    section: "Page tables",
    title: "traverse user page tables no VMA covers (walk_page_range_debug)",
    requires: ["MmapWriteLock"],
  },
  traverseKernel: {
    id: "P6",
    section: "Page tables",
    title: "traverse kernel page tables (walk_kernel_page_table_range, init_mm's mmap lock)",
    requires: ["MmapReadLock"],
  },
  install: {
    id: "P3",
    section: "Page tables",
    title: "install a page table entry",
    requires: ["MmapOrVmaLock"],
  },
  zap: {
    id: "P4",
    section: "Page tables",
    title: "zap leaf entries (keep the tables)",
    requires: ["StableVmaLock"],
  },
  changeAccessDirty: {
    id: "P5",
    section: "Page tables",
    title: "change accessed/dirty bits or set a migration entry",
    requires: ["StableVmaLock"],
  },
  freePgtables: {
    id: "P7",
    section: "Page table freeing",
    title: "free page tables (free_pgtables)",
    requires: ["MmapReadLock", "MmapWriteOrDetached"],
  },
  changeEntry: {
    id: "P8",
    section: "Page table locking details",
    title: "change a page table entry",
    requires: ["PageTableEntryLock"],
  },
  accessPteTable: {
    id: "P10",
    section: "Page table locking details",
    title: "access a PTE table (it may be freed after an RCU grace period)",
    requires: ["RcuReadLock"],
  },
  movePageTables: {
    id: "P14",
    section: "Page table moving",
    title: "move page tables (move_page_tables)",
    requires: ["MmapWriteLock", "VmaWriteLock", "RmapWriteLock"],
  },
  detachVma: {
    id: "L7",
    section: "Lock usage",
    title: "detach a VMA from the mm's tree (munmap)",
    requires: ["MmapWriteLock", "VmaWriteLock"],
  },
  retractPteTable: {
    id: "P15",
    section: "Page table freeing",
    title: "retract an empty PTE table (retract_page_tables)",
    requires: ["IMmapReadLock", "PmdLock", "PteLock"],
  },
  // Revision 2 rows
  clearAnonVmaDetached: {
    id: "F9",
    section: "VMA fields",
    title: "clear anon_vma of a VMA munmap detached (unlink_anon_vmas)",
    requires: ["MmapReadLock", "AnonVmaWriteLock"],
  },
  attachVma: {
    id: "V7",
    section: "VMA lock internals",
    title: "attach a new, write-locked VMA to the mm's tree (vma_link)",
    requires: ["MmapWriteLock"],
  },
  freeVma: {
    id: "V7",
    section: "VMA lock internals",
    title: "free a detached VMA (vm_area_free; the object may be reused at once, under RCU)",
    requires: [],
  },
  reclaimPteTable: {
    id: "P17",
    section: "Page table freeing",
    title: "free a PTE table a zap left empty (PT reclaim, RCU-deferred)",
    requires: ["StableVmaLock", "PmdLock", "PteLock"],
  },
} as const satisfies Record<string, Rule>

/** The name of an operation, e.g. `"install"`. */
export type OperationName = keyof typeof Operations

/** The clause names an operation needs, as a union type. */
export type ClausesOf<Op extends OperationName> = (typeof Operations)[Op]["requires"][number]

/** The rule ID of an operation, as a literal type. */
export type RuleIdOf<Op extends OperationName> = (typeof Operations)[Op]["id"]

/**
 * The kinds of VMA the rmap distinguishes (point of view of take_rmap_locks): anonymous memory
 * is reached through its anon_vma, a shared file mapping through the file's i_mmap, a private
 * file mapping through i_mmap and, once it has anonymous (COW) pages, its anon_vma too.
 */
export const VmaKinds = ["anonymous", "sharedFile", "privateFile", "privateFileAnon"] as const

/** A VMA kind, e.g. `"privateFileAnon"`. */
export type VmaKind = (typeof VmaKinds)[number]

/**
 * The rmap locks of each VMA kind: what "the VMA's rmap locks" means in P14 and F1 (mremap's
 * take_rmap_locks: i_mmap_lock_write if there is a file, anon_vma_lock_write if an anon_vma).
 * For a VMA of kind K, the clause `RmapWriteLock` of a row stands for one clause per lock here.
 */
export const RmapLocksOfKind = {
  anonymous: ["AnonVmaWriteLock"],
  sharedFile: ["IMmapWriteLock"],
  privateFile: ["IMmapWriteLock"],
  privateFileAnon: ["IMmapWriteLock", "AnonVmaWriteLock"],
} as const satisfies Record<VmaKind, ReadonlyArray<ClauseName>>
