/**
 * The rule catalogue: every rule ID of RULES.md revision 2, in the document's order, with a
 * one-line summary in our own words. `Rules` holds what can be checked (operations, clauses,
 * orders, valid states); this index names every rule those rows cite and the ones no row can
 * check, so the tutor, the CLI and the traceability table list the same IDs.
 *
 * @since 0.2.0
 */

/** Every rule ID with its one-line summary. */
export const Summaries = {
  L1: "The mmap lock is a per-mm read/write semaphore; unlock in the mode you locked.",
  L2: "lock_vma_under_rcu is the only way to read-lock a VMA; it can fail, and then the caller falls back to the mmap read lock.",
  L3: "vma_start_write needs the mmap write lock; the VMA write locks all end when that lock is released or downgraded.",
  L4: "The rmap locks (anon_vma, i_mmap) are read/write semaphores too.",
  L5: "Any one of the mmap lock, the VMA's read lock or a covering rmap lock keeps a VMA stable.",
  L6: "Reading VMA fields needs the VMA to be stable.",
  L7: "Writing most VMA fields needs mmap write + the VMA write lock; the fields that place the VMA in the rmap also need the rmap write lock.",
  L8: "Only some combinations of mmap, VMA and rmap locks are valid; each allows reading, writing most or writing every field.",
  L9: "Never take the mmap lock while holding a VMA read lock: a writer waiting for our reader would deadlock with us.",
  L10: "Readers share, a writer excludes and holds new readers back; recursive write and unbalanced unlocks are bugs.",
  L11: "vma_start_write_killable can be interrupted: then this VMA is not write-locked, and the result must be checked.",
  F1: "vm_start, vm_end, vm_pgoff: mmap write + VMA write + rmap write.",
  F2: "vm_mm, vm_file, vm_ops are set once while the VMA is set up, before anyone sees it.",
  F3: "vm_page_prot and the vm_flags bits: mmap write + VMA write.",
  F4: "vm_private_data belongs to the driver: no mm rule.",
  F5: "anon_name, vm_policy, the userfaultfd context: mmap write + VMA write.",
  F6: "swap_readahead_info and numab_state: mmap read + their own lock, accessed atomically.",
  F7: "The file VMA's node in i_mmap: mmap write + VMA write + i_mmap write.",
  F8: "anon_vma_chain: mmap read + anon_vma write.",
  F9: "anon_vma is set (first fault) under mmap read + page_table_lock; cleared under mmap write + VMA write + anon_vma write.",
  P1: "Five levels; missing ones are folded into pass-throughs, and huge leaves sit at PMD or PUD.",
  P2: "Walking page tables needs only a stable VMA; lockless walkers use lockless reads.",
  P3: "Installing a mapping needs the mmap lock or the VMA lock; an rmap lock alone is not enough.",
  P4: "Zapping entries needs only stability: any one of the mmap, VMA or rmap locks.",
  P5: "Reclaim and migration change entries under the rmap lock, like zapping.",
  P6: "Walking tables no VMA covers: kernel tables under init_mm's mmap lock; user ranges under the mmap write lock.",
  P7: "free_pgtables: the range zapped, no installs possible, and the VMAs unreachable (mmap write lock, or detached then downgraded).",
  P8: "Every page-table entry change holds that table's lock.",
  P9: "Upper levels change under mm->page_table_lock; PMD and PTE tables have split locks.",
  P10: "An empty PTE table can be freed after an RCU grace period under read locks: any access needs RCU, a writer re-checks the PMD.",
  P11: "pte_offset_map_lock: map, lock, re-read the PMD entry, retry if it changed; undo with pte_unmap_unlock.",
  P12: "Allocating a table: check, allocate, lock, check again; install only if still empty.",
  P13: "Read entries once with lockless reads; read-modify-write uses hardware atomics.",
  P14: "move_page_tables needs the mmap lock, the VMA lock and the rmap locks.",
  P15: "khugepaged may tear down a PTE table under i_mmap read + PMD lock + PTE lock.",
  P16: "Tables are freed after a grace period, so RCU alone may walk them; revalidate under the lock before acting.",
  P17: "Zapping may free PTE tables it emptied (RCU-deferred): concurrent walkers must expect that.",
  O1: "The lock order: mmap_lock, then vma write, then i_mmap, then anon_vma, then the page-table locks.",
  O2: "mm/filemap.c's further orders: i_rwsem before mmap_lock, mmap_lock before i_mmap before page-table locks, and more.",
  O3: "Taking locks against the order is an inversion: two such tasks can deadlock.",
  O4: "memory_failure and hugetlbfs add their own orders (rmap lock before tasklist_lock; hugetlb fault mutex first).",
  V1: "mm_lock_seq per mm and vm_lock_seq per VMA: equal means write-locked.",
  V2: "Releasing or downgrading the mmap write lock bumps mm_lock_seq: every VMA write lock ends.",
  V3: "vma_start_read runs under RCU, raises vm_refcnt and fails if the VMA is write-locked, being written or detached.",
  V4: "vma_start_write marks the writer, waits for the readers to leave, then sets vm_lock_seq.",
  V5: "mmap_write_downgrade keeps the mmap lock but ends the VMA write locks; readers may join.",
  V6: "Stack expansion takes vma_start_write so faults cannot race the change of vm_start / vm_end.",
  V7: "VMAs are freed by RCU and can be reused: after locking, re-check it is attached, ours and covering the address.",
  V8: "vma_start_read_locked takes a VMA read lock under the mmap read lock; it can still fail: check it.",
} as const

/** A rule ID of RULES.md, e.g. `"P7"`. */
export type RuleId = keyof typeof Summaries

/** Every rule ID, in the document's order. */
export const Ids = Object.keys(Summaries) as ReadonlyArray<RuleId>

/** The IDs that revision 2 of the document added or changed. */
export const Revision2: ReadonlyArray<RuleId> = [
  ...["L3", "L11", "F5", "F9", "P6", "P7", "P10", "P16", "P17"],
  ...["O2", "O4", "V1", "V2", "V3", "V4", "V7", "V8"],
] as const satisfies ReadonlyArray<RuleId>

/** Is `id` a rule ID of the catalogue? */
export const isRuleId = (id: string): id is RuleId => Object.hasOwn(Summaries, id)

/** The one-line summary of rule `id`, or undefined for an ID the catalogue does not know. */
export const summary = (id: string): string | undefined =>
  isRuleId(id) ? Summaries[id] : undefined
