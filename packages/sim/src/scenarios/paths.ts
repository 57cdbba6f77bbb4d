/**
 * Kernel paths that several scenarios of the library run (the others keep theirs in their own
 * file), as task programs over the common layout (see `Scenario`).
 *
 * @since 0.2.0
 */
import type { Step } from "../Program.js"
import { ANON, FILE } from "./Scenario.js"

/**
 * do_user_addr_fault: lock_vma_under_rcu first, mmap_read_lock as the fallback (L2, L9, P3).
 * With `recheck` false, lock_vma_under_rcu skips its re-check after locking (a V7 bug).
 */
export const fault = (addr: number, recheck = true): ReadonlyArray<Step> => [
  { op: "lockVmaUnderRcu", addr, onFail: "slow", ...(recheck ? {} : { recheck }) },
  { op: "lock", lock: "pte", addr },
  { op: "do", action: "installPte", addr },
  { op: "unlock", lock: "pte", addr },
  { op: "vmaEndRead", addr },
  { op: "goto", to: "end" },
  { op: "lock", lock: "mmap", mode: "read", label: "slow" },
  { op: "findVma", addr, onFail: "unlock" },
  { op: "lock", lock: "pte", addr },
  { op: "do", action: "installPte", addr },
  { op: "unlock", lock: "pte", addr },
  { op: "unlock", lock: "mmap", mode: "read", label: "unlock" },
]

/** mprotect: vm_flags under mmap write + VMA write (F3). */
export const mprotect = (addr: number, mode: "read" | "write" = "write"): ReadonlyArray<Step> => [
  { op: "lock", lock: "mmap", mode },
  ...(mode === "write" ? [{ op: "vmaStartWrite", addr } as const] : []),
  { op: "writeVma", addr, field: "vm_flags", value: ["read"] },
  { op: "unlock", lock: "mmap", mode },
]

/** unmap_mapping_range on truncation: zap under the i_mmap read lock (P4). */
export const truncate: ReadonlyArray<Step> = [
  { op: "lock", lock: "iMmap", file: "libfoo", mode: "read" },
  { op: "do", action: "zapRange", addr: 2048, end: 2560 },
  { op: "unlock", lock: "iMmap", file: "libfoo", mode: "read" },
]

/**
 * Reclaim clearing the accessed bit of the anonymous page 512 (folio_referenced): an rmap walk of
 * its anon_vma under the anon_vma read lock, and in each VMA (P5) the change under the PTE lock
 * (P8). Addresses in the walk's body are page offsets of the anon_vma.
 */
export const reclaim = (ptl: boolean): ReadonlyArray<Step> => [
  { op: "lock", lock: "anonVma", addr: ANON, mode: "read" },
  {
    op: "rmapWalk",
    lock: "anonVma",
    addr: ANON,
    first: 512,
    last: 512,
    done: "out",
    label: "each",
  },
  ...(ptl ? [{ op: "lock", lock: "pte", addr: 512 } as const] : []),
  { op: "do", action: "changeAccessDirty", addr: 512 },
  ...(ptl ? [{ op: "unlock", lock: "pte", addr: 512 } as const] : []),
  { op: "rmapWalkNext", walk: "each" },
  { op: "unlock", lock: "anonVma", addr: ANON, mode: "read", label: "out" },
]

/** khugepaged's retract_page_tables (P15) and the RCU-deferred free (P10). */
export const retract = (pmd: boolean): ReadonlyArray<Step> => [
  { op: "lock", lock: "iMmap", file: "libfoo", mode: "read" },
  ...(pmd ? [{ op: "lock", lock: "pmd", addr: 2048 } as const] : []),
  { op: "lock", lock: "pte", addr: 2048 },
  { op: "do", action: "retractPteTable", addr: 2048 },
  { op: "unlock", lock: "pte", addr: 2048 },
  ...(pmd ? [{ op: "unlock", lock: "pmd", addr: 2048 } as const] : []),
  { op: "unlock", lock: "iMmap", file: "libfoo", mode: "read" },
  { op: "synchronizeRcu" },
]

/** GUP-fast: a lockless walk inside RCU with lockless reads (P13, P10). */
export const gupFast = (rcu: boolean): ReadonlyArray<Step> => [
  ...(rcu ? [{ op: "rcuReadLock" } as const] : []),
  { op: "do", action: "walkLockless", addr: 2048 },
  ...(rcu ? [{ op: "rcuReadUnlock" } as const] : []),
]

/** The VMAs a munmap of the library removes: the anonymous one, or the file one of "libfoo". */
const ranges = {
  anon: { addr: ANON, start: 512, end: 1024 },
  file: { addr: FILE, start: 2048, end: 2560 },
} as const

/**
 * The kernel's munmap (do_vmi_align_munmap) of one VMA of the layout: vms_gather_munmap_vmas
 * write-locks and detaches it under the mmap write lock, vms_complete_munmap_vmas downgrades
 * the lock (mmap_write_downgrade) and vms_clear_ptes zaps (unmap_vmas) and frees the page
 * tables (free_pgtables) under the read lock (L3, V7, V5, P4, P7 rev 2). `downgrade: false` is
 * the older form that does all of it under the write lock; the other flags drop a step (bugs).
 */
export const munmap = (
  vma: keyof typeof ranges,
  form: {
    readonly downgrade?: boolean
    readonly detach?: boolean
    readonly zap?: boolean
    /** Downgrade before detaching (a bug: the detach needs the write locks). */
    readonly downgradeFirst?: boolean
  } = {},
): ReadonlyArray<Step> => {
  const { downgrade = true, detach = true, zap = true, downgradeFirst = false } = form
  const { addr, start, end } = ranges[vma]
  const detachStep = detach ? [{ op: "do", action: "detachVma", addr } as const] : []
  const downgradeStep = downgrade ? [{ op: "mmapWriteDowngrade" } as const] : []
  return [
    { op: "lock", lock: "mmap", mode: "write" },
    { op: "vmaStartWrite", addr },
    ...(downgradeFirst ? [...downgradeStep, ...detachStep] : [...detachStep, ...downgradeStep]),
    ...(zap ? [{ op: "do", action: "zapRange", addr: start, end } as const] : []),
    { op: "do", action: "freePgtables", addr: start, end },
    { op: "unlock", lock: "mmap", mode: downgrade ? "read" : "write" },
  ]
}

/**
 * An rmap walker of "libfoo" (unmap_mapping_range's walk, as truncation runs it): under the
 * i_mmap read lock, vma_interval_tree_foreach over the VMAs mapping the file's pages
 * [2048, 2559], and for each one `body` (addresses are page offsets of the file).
 */
export const fileRmapWalk = (body: ReadonlyArray<Step>): ReadonlyArray<Step> => [
  { op: "lock", lock: "iMmap", file: "libfoo", mode: "read" },
  {
    op: "rmapWalk",
    lock: "iMmap",
    file: "libfoo",
    first: 2048,
    last: 2559,
    done: "out",
    label: "each",
  },
  ...body,
  { op: "rmapWalkNext", walk: "each" },
  { op: "unlock", lock: "iMmap", file: "libfoo", mode: "read", label: "out" },
]

/** Truncation's zap of every VMA mapping the file's range, found through the rmap (P4). */
export const truncateWalk: ReadonlyArray<Step> = fileRmapWalk([
  { op: "do", action: "zapRange", addr: 2048, end: 2560 },
])

/**
 * ptdump (walk_page_range_debug): the whole low range walked, VMAs or not, under the mmap lock
 * in `mode`. Write is right (P6 rev 2): a downgraded munmap frees page tables under the read
 * lock, so a reader-side walk could meet tables being freed.
 */
export const ptdump = (mode: "read" | "write" = "write"): ReadonlyArray<Step> => [
  { op: "lock", lock: "mmap", mode },
  { op: "do", action: "walkNoVma", addr: 0, end: 16384 },
  { op: "unlock", lock: "mmap", mode },
]
