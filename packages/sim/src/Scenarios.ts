/**
 * The kernel scenario library: task programs modelled on real kernel paths. Each scenario is
 * correct (the explorer finds nothing in any interleaving) and has buggy variants that the
 * checker or the explorer must catch, with the rule ID they break. The tutor builds its
 * scheduler puzzles from these.
 *
 * Layout of every world (x86-64, pages of 4 KiB, one PTE table = 512 pages): an anonymous VMA
 * [512, 1024) with pages 512..515 mapped, a file VMA of "libfoo" [2048, 2560) whose PTE table
 * is allocated but empty (a zap left it: khugepaged may retract it), and a stack VMA [8192, 8704)
 * growing down.
 *
 * @since 0.1.0
 */
import type { Step, TaskSpec } from "./Program.js"
import type { WorldSpec } from "./World.js"

/** What a buggy variant must be caught with. */
export interface Expected {
  readonly rule: string
  readonly kind: "rule" | "order" | "deadlock" | "leak" | "misuse" | "assert"
}

/** A buggy variant of a scenario. */
export interface Variant {
  readonly id: string
  readonly title: string
  readonly spec: WorldSpec
  readonly expected: Expected
}

/** A kernel path as task programs, with its buggy variants. */
export interface Scenario {
  readonly id: string
  readonly title: string
  readonly kernelPath: string
  /** The page the scenario is about (the tutor's page-table view walks it). */
  readonly addr: number
  readonly rules: ReadonlyArray<string>
  readonly spec: WorldSpec
  readonly variants: ReadonlyArray<Variant>
}

const ANON = 600
const FILE = 2100
const STACK = 8300

/** The address space every scenario runs in (see the module comment). */
export const layout: WorldSpec["mms"] = [
  {
    name: "proc",
    vmas: [
      { start: 512, end: 1024, anon: true, mapped: [512, 513, 514, 515] },
      { start: 2048, end: 2560, file: "libfoo", tables: [2048] },
      { start: 8192, end: 8704, anon: true },
    ],
  },
]

const world = (...tasks: ReadonlyArray<TaskSpec>): WorldSpec => ({ mms: layout, tasks })
const task = (name: string, program: ReadonlyArray<Step>): TaskSpec => ({
  name,
  mm: "proc",
  program,
})

/** do_user_addr_fault: lock_vma_under_rcu first, mmap_read_lock as the fallback (L2, L9, P3). */
const fault = (addr: number): ReadonlyArray<Step> => [
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

/** The fault handler that ignores a failed lock_vma_under_rcu and installs anyway (P3). */
const faultNoFallback = (addr: number): ReadonlyArray<Step> => [
  { op: "lockVmaUnderRcu", addr, onFail: "anyway" },
  { op: "lock", lock: "pte", addr },
  { op: "do", action: "installPte", addr },
  { op: "unlock", lock: "pte", addr },
  { op: "vmaEndRead", addr },
  { op: "goto", to: "end" },
  { op: "lock", lock: "pte", addr, label: "anyway" },
  { op: "do", action: "installPte", addr },
  { op: "unlock", lock: "pte", addr },
]

/** The fault handler that takes the mmap lock while holding the VMA read lock (L9). */
const faultMmapUnderVma = (addr: number): ReadonlyArray<Step> => [
  { op: "lockVmaUnderRcu", addr, onFail: "end" },
  { op: "lock", lock: "mmap", mode: "read" },
  { op: "lock", lock: "pte", addr },
  { op: "do", action: "installPte", addr },
  { op: "unlock", lock: "pte", addr },
  { op: "unlock", lock: "mmap", mode: "read" },
  { op: "vmaEndRead", addr },
]

/** mprotect: vm_flags under mmap write + VMA write (F3). */
const mprotect = (addr: number, mode: "read" | "write" = "write"): ReadonlyArray<Step> => [
  { op: "lock", lock: "mmap", mode },
  ...(mode === "write" ? [{ op: "vmaStartWrite", addr } as const] : []),
  { op: "writeVma", addr, field: "vm_flags", value: ["read"] },
  { op: "unlock", lock: "mmap", mode },
]

/** munmap: detach, zap, free_pgtables under mmap write + VMA write (L3, P4, P7). */
const munmap = (zap: boolean): ReadonlyArray<Step> => [
  { op: "lock", lock: "mmap", mode: "write" },
  { op: "vmaStartWrite", addr: ANON },
  { op: "do", action: "detachVma", addr: ANON },
  ...(zap ? [{ op: "do", action: "zapRange", addr: 512, end: 1024 } as const] : []),
  { op: "do", action: "freePgtables", addr: 512, end: 1024 },
  { op: "unlock", lock: "mmap", mode: "write" },
]

/** mremap's move_page_tables (P14): mmap, VMA and rmap write locks. */
const mremap = (rmap: boolean): ReadonlyArray<Step> => [
  { op: "lock", lock: "mmap", mode: "write" },
  { op: "vmaStartWrite", addr: ANON },
  ...(rmap ? [{ op: "lock", lock: "anonVma", addr: ANON, mode: "write" } as const] : []),
  { op: "do", action: "movePageTables", addr: 512, end: 1024, to: 4096 },
  ...(rmap ? [{ op: "unlock", lock: "anonVma", addr: ANON, mode: "write" } as const] : []),
  { op: "unlock", lock: "mmap", mode: "write" },
]

/** unmap_mapping_range on truncation: zap under the i_mmap read lock (P4). */
const truncate: ReadonlyArray<Step> = [
  { op: "lock", lock: "iMmap", file: "libfoo", mode: "read" },
  { op: "do", action: "zapRange", addr: 2048, end: 2560 },
  { op: "unlock", lock: "iMmap", file: "libfoo", mode: "read" },
]

/** A truncation path that wrongly re-installs a page holding only the i_mmap lock (P3). */
const truncateInstall: ReadonlyArray<Step> = [
  { op: "lock", lock: "iMmap", file: "libfoo", mode: "read" },
  { op: "lock", lock: "pte", addr: FILE },
  { op: "do", action: "installPte", addr: FILE },
  { op: "unlock", lock: "pte", addr: FILE },
  { op: "unlock", lock: "iMmap", file: "libfoo", mode: "read" },
]

/** A write path that takes i_mmap and then the mmap lock: against O1 (O3). */
const inverted: ReadonlyArray<Step> = [
  { op: "lock", lock: "iMmap", file: "libfoo", mode: "write" },
  { op: "lock", lock: "mmap", mode: "read" },
  { op: "unlock", lock: "mmap", mode: "read" },
  { op: "unlock", lock: "iMmap", file: "libfoo", mode: "write" },
]

/** Reclaim clearing the accessed bit through the rmap (P5), under the PTE lock (P8). */
const reclaim = (ptl: boolean): ReadonlyArray<Step> => [
  { op: "lock", lock: "anonVma", addr: ANON, mode: "read" },
  ...(ptl ? [{ op: "lock", lock: "pte", addr: 512 } as const] : []),
  { op: "do", action: "changeAccessDirty", addr: 512 },
  ...(ptl ? [{ op: "unlock", lock: "pte", addr: 512 } as const] : []),
  { op: "unlock", lock: "anonVma", addr: ANON, mode: "read" },
]

/** khugepaged's retract_page_tables (P15) and the RCU-deferred free (P10). */
const retract = (pmd: boolean): ReadonlyArray<Step> => [
  { op: "lock", lock: "iMmap", file: "libfoo", mode: "read" },
  ...(pmd ? [{ op: "lock", lock: "pmd", addr: 2048 } as const] : []),
  { op: "lock", lock: "pte", addr: 2048 },
  { op: "do", action: "retractPteTable", addr: 2048 },
  { op: "unlock", lock: "pte", addr: 2048 },
  ...(pmd ? [{ op: "unlock", lock: "pmd", addr: 2048 } as const] : []),
  { op: "unlock", lock: "iMmap", file: "libfoo", mode: "read" },
  { op: "synchronizeRcu" },
]

/**
 * A file fault that maps the PTE table with pte_offset_map_lock (P11) under the mmap read lock:
 * without the PMD re-check it can lock a table khugepaged has just retracted.
 */
const faultMapLock = (recheck: boolean): ReadonlyArray<Step> => [
  { op: "lock", lock: "mmap", mode: "read" },
  { op: "findVma", addr: FILE, onFail: "unlock" },
  { op: "pteOffsetMapLock", addr: FILE, onFail: "unlock", recheck },
  { op: "do", action: "installPte", addr: FILE },
  { op: "pteUnmapUnlock", addr: FILE },
  { op: "unlock", lock: "mmap", mode: "read", label: "unlock" },
]

/** GUP-fast: a lockless walk inside RCU with lockless reads (P13, P10). */
const gupFast = (rcu: boolean): ReadonlyArray<Step> => [
  ...(rcu ? [{ op: "rcuReadLock" } as const] : []),
  { op: "do", action: "walkLockless", addr: 2048 },
  ...(rcu ? [{ op: "rcuReadUnlock" } as const] : []),
]

/** expand_downwards: vm_start moves under mmap + VMA write and the anon_vma lock (V6, F1). */
const expandStack = (vmaWrite: boolean): ReadonlyArray<Step> => [
  { op: "lock", lock: "mmap", mode: "write" },
  ...(vmaWrite ? [{ op: "vmaStartWrite", addr: STACK } as const] : []),
  { op: "lock", lock: "anonVma", addr: STACK, mode: "write" },
  { op: "writeVma", addr: STACK, field: "vm_start", value: 8000 },
  { op: "unlock", lock: "anonVma", addr: STACK, mode: "write" },
  { op: "unlock", lock: "mmap", mode: "write" },
]

/** anon_vma_prepare on a first fault: anon_vma set under mmap read + page_table_lock (F9). */
const anonVmaPrepare = (ptl: boolean): ReadonlyArray<Step> => [
  { op: "lock", lock: "mmap", mode: "read" },
  ...(ptl ? [{ op: "lock", lock: "pageTableLock" } as const] : []),
  { op: "do", action: "setAnonVma", addr: FILE },
  ...(ptl ? [{ op: "unlock", lock: "pageTableLock" } as const] : []),
  { op: "unlock", lock: "mmap", mode: "read" },
]

/** Every scenario of the library. */
export const all: ReadonlyArray<Scenario> = [
  {
    id: "page-fault",
    addr: ANON,
    title: "Page fault racing with mprotect",
    kernelPath: "do_user_addr_fault -> lock_vma_under_rcu / mmap_read_lock -> handle_mm_fault",
    rules: ["L2", "L9", "P3", "F3"],
    spec: world(task("fault", fault(ANON)), task("mprotect", mprotect(ANON))),
    variants: [
      {
        id: "no-fallback",
        title: "The fault ignores a failed lock_vma_under_rcu",
        spec: world(task("fault", faultNoFallback(ANON)), task("mprotect", mprotect(ANON))),
        expected: { rule: "P3", kind: "rule" },
      },
      {
        id: "mmap-under-vma",
        title: "The fault takes mmap_read_lock while holding the VMA read lock",
        spec: world(task("fault", faultMmapUnderVma(ANON)), task("mprotect", mprotect(ANON))),
        expected: { rule: "L9", kind: "rule" },
      },
    ],
  },
  {
    id: "munmap",
    addr: ANON,
    title: "munmap while another thread faults",
    kernelPath: "do_vmi_munmap -> vma_start_write -> unmap_region (unmap_vmas, free_pgtables)",
    rules: ["L3", "P4", "P7"],
    spec: world(task("munmap", munmap(true)), task("fault", fault(FILE))),
    variants: [
      {
        id: "no-zap",
        title: "free_pgtables before zapping the range",
        spec: world(task("munmap", munmap(false))),
        expected: { rule: "P7", kind: "rule" },
      },
    ],
  },
  {
    id: "mremap",
    addr: ANON,
    title: "mremap moves page tables",
    kernelPath: "mremap -> move_vma -> move_page_tables (take_rmap_locks)",
    rules: ["P14"],
    spec: world(task("mremap", mremap(true)), task("reclaim", reclaim(true))),
    variants: [
      {
        id: "no-rmap-lock",
        title: "move_page_tables without the rmap locks",
        spec: world(task("mremap", mremap(false))),
        expected: { rule: "P14", kind: "rule" },
      },
    ],
  },
  {
    id: "truncate",
    addr: FILE,
    title: "Truncation zaps a file range",
    kernelPath: "truncate_pagecache -> unmap_mapping_range -> zap_page_range_single",
    rules: ["P4", "P3", "O1"],
    spec: world(task("truncate", truncate), task("fault", fault(FILE))),
    variants: [
      {
        id: "install-under-rmap",
        title: "A page installed holding only the i_mmap lock",
        spec: world(task("truncate", truncateInstall)),
        expected: { rule: "P3", kind: "rule" },
      },
      {
        id: "lock-inversion",
        title: "A path taking i_mmap before the mmap lock",
        spec: world(task("writer", inverted), task("fault", fault(FILE))),
        expected: { rule: "O3", kind: "order" },
      },
    ],
  },
  {
    id: "reclaim",
    addr: 512,
    title: "Reclaim ages pages through the rmap",
    kernelPath: "shrink_folio_list -> folio_referenced -> rmap walk -> ptep_clear_flush_young",
    rules: ["P5", "P8"],
    spec: world(task("reclaim", reclaim(true)), task("fault", fault(ANON))),
    variants: [
      {
        id: "no-pte-lock",
        title: "The accessed bit cleared without the PTE lock",
        spec: world(task("reclaim", reclaim(false))),
        expected: { rule: "P8", kind: "rule" },
      },
    ],
  },
  {
    id: "khugepaged",
    addr: FILE,
    title: "khugepaged retracts an empty PTE table while GUP-fast walks",
    kernelPath: "khugepaged -> retract_page_tables (pte_free_defer) vs gup_fast",
    rules: ["P15", "P10", "P13"],
    spec: world(task("khugepaged", retract(true)), task("gup", gupFast(true))),
    variants: [
      {
        id: "no-pmd-lock",
        title: "The table retracted without the PMD lock",
        spec: world(task("khugepaged", retract(false))),
        expected: { rule: "P15", kind: "rule" },
      },
    ],
  },
  {
    id: "pte-map-lock",
    addr: FILE,
    title: "A file fault maps and locks the PTE table while khugepaged retracts it",
    kernelPath: "do_fault -> pte_offset_map_lock (re-check pmd_same, retry) vs retract_page_tables",
    rules: ["P11", "P10", "P15"],
    spec: world(task("fault", faultMapLock(true)), task("khugepaged", retract(true))),
    variants: [
      {
        id: "no-recheck",
        title: "pte_offset_map_lock without re-reading the PMD entry after locking",
        spec: world(task("fault", faultMapLock(false)), task("khugepaged", retract(true))),
        expected: { rule: "P11", kind: "rule" },
      },
    ],
  },
  {
    id: "mprotect",
    addr: ANON,
    title: "mprotect changes vm_flags",
    kernelPath: "do_mprotect_pkey -> mprotect_fixup -> vm_flags_reset",
    rules: ["F3", "L3"],
    spec: world(task("mprotect", mprotect(ANON)), task("fault", fault(ANON))),
    variants: [
      {
        id: "mmap-read",
        title: "vm_flags written under the mmap read lock",
        spec: world(task("mprotect", mprotect(ANON, "read"))),
        expected: { rule: "F3", kind: "rule" },
      },
    ],
  },
  {
    id: "stack-expansion",
    addr: STACK,
    title: "The stack grows down while a fault runs",
    kernelPath: "expand_downwards -> vma_start_write -> anon_vma_lock_write",
    rules: ["V6", "F1"],
    spec: world(task("expand", expandStack(true)), task("fault", fault(STACK))),
    variants: [
      {
        id: "no-vma-write",
        title: "vm_start moved without vma_start_write",
        spec: world(task("expand", expandStack(false))),
        expected: { rule: "F1", kind: "rule" },
      },
    ],
  },
  {
    id: "gup-fast",
    addr: FILE,
    title: "GUP-fast walks without locks",
    kernelPath: "get_user_pages_fast -> gup_fast (lockless walk)",
    rules: ["P13", "P2"],
    spec: world(task("gup", gupFast(true)), task("truncate", truncate)),
    variants: [
      {
        id: "outside-rcu",
        title: "The lockless walk runs outside RCU",
        spec: world(task("gup", gupFast(false))),
        expected: { rule: "P13", kind: "rule" },
      },
    ],
  },
  {
    id: "anon-vma-prepare",
    addr: FILE,
    title: "First fault of a private file page sets anon_vma",
    kernelPath: "do_anonymous_page / do_cow_fault -> anon_vma_prepare",
    rules: ["F9"],
    spec: world(task("prepare", anonVmaPrepare(true)), task("truncate", truncate)),
    variants: [
      {
        id: "no-page-table-lock",
        title: "anon_vma set without mm->page_table_lock",
        spec: world(task("prepare", anonVmaPrepare(false))),
        expected: { rule: "F9", kind: "rule" },
      },
    ],
  },
]
