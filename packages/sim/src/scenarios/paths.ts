/**
 * Kernel paths that several scenarios of the library run (the others keep theirs in their own
 * file), as task programs over the common layout (see `Scenario`).
 *
 * @since 0.2.0
 */
import type { Step } from "../Program.js"
import { ANON } from "./Scenario.js"

/** do_user_addr_fault: lock_vma_under_rcu first, mmap_read_lock as the fallback (L2, L9, P3). */
export const fault = (addr: number): ReadonlyArray<Step> => [
  { op: "lockVmaUnderRcu", addr, onFail: "slow" },
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

/** Reclaim clearing the accessed bit through the rmap (P5), under the PTE lock (P8). */
export const reclaim = (ptl: boolean): ReadonlyArray<Step> => [
  { op: "lock", lock: "anonVma", addr: ANON, mode: "read" },
  ...(ptl ? [{ op: "lock", lock: "pte", addr: 512 } as const] : []),
  { op: "do", action: "changeAccessDirty", addr: 512 },
  ...(ptl ? [{ op: "unlock", lock: "pte", addr: 512 } as const] : []),
  { op: "unlock", lock: "anonVma", addr: ANON, mode: "read" },
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
