/**
 * The ordering rules of the rule table (O1, O2, O4) as data: the lock classes, the chains each
 * rule orders them in, and the class each lock kind of the rules belongs to. Part of `Rules`
 * (re-exported there); core's order checks and sim's lockdep read them.
 *
 * @since 0.3.0
 */
import type { LockKind } from "./Rules.js"

/** One ordering rule: chains of lock classes (lockdep class names), each taken before the next. */
export interface OrderRule {
  readonly id: "O1" | "O2" | "O4"
  readonly source: string
  readonly chains: ReadonlyArray<ReadonlyArray<string>>
}

/**
 * Lock ordering, outer to inner. `page_table_lock` stands for mm->page_table_lock and the split
 * PMD/PTE locks, which sit at the same place in the order.
 */
export const Ordering = [
  {
    id: "O1",
    source: "mm/rmap.c",
    chains: [
      [
        "i_rwsem",
        "mmap_lock",
        "invalidate_lock",
        "folio_lock",
        "hugetlbfs_i_mmap_rwsem",
        "vma_lock",
        "i_mmap_rwsem",
        "anon_vma_rwsem",
        "page_table_lock",
        "swap_lock",
      ],
      ["swap_lock", "mmlist_lock"],
      ["swap_lock", "private_lock", "i_pages_lock", "lru_lock"],
      ["swap_lock", "i_lock"],
      ["swap_lock", "wb_list_lock", "sb_lock"],
      ["wb_list_lock", "i_pages_lock"],
    ],
  },
  {
    id: "O2",
    source: "mm/filemap.c",
    chains: [
      ["i_mmap_rwsem", "anon_vma_rwsem"],
      ["i_rwsem", "invalidate_lock", "i_mmap_rwsem"],
      ["mmap_lock", "invalidate_lock", "folio_lock"],
      ["i_rwsem", "mmap_lock"],
      // Revision 2: the rest of the comment as the document quotes it.
      ["i_mmap_rwsem", "private_lock", "swap_lock", "i_pages_lock"],
      ["mmap_lock", "i_mmap_rwsem", "page_table_lock", "i_pages_lock"],
      ["anon_vma_rwsem", "page_table_lock"],
      ["page_table_lock", "swap_lock"],
      ["page_table_lock", "private_lock"],
      ["page_table_lock", "i_pages_lock"],
      ["page_table_lock", "lru_lock"],
      ["page_table_lock", "wb_list_lock"],
      ["page_table_lock", "i_lock"],
      ["wb_list_lock", "sb_lock"],
      ["wb_list_lock", "i_pages_lock"],
    ],
  },
  {
    id: "O4",
    source: "mm/rmap.c",
    chains: [
      // memory_failure (collect_procs_anon / collect_procs_file)
      ["anon_vma_rwsem", "tasklist_lock", "page_table_lock"],
      ["i_mmap_rwsem", "tasklist_lock", "page_table_lock"],
      // hugetlbfs: a hugetlbfs mapping's i_mmap_rwsem has its own lockdep class
      ["hugetlb_fault_mutex", "hugetlb_vma_lock", "hugetlbfs_i_mmap_rwsem", "folio_lock"],
    ],
  },
] as const satisfies ReadonlyArray<OrderRule>

/** A lock class in the ordering rules: any class one of their chains names. */
export type LockClass = (typeof Ordering)[number]["chains"][number][number]

/**
 * Every lock class of the ordering rules, in the order the chains first name them (O1's main
 * chain first), computed from `Ordering`.
 */
export const LockClasses: ReadonlyArray<LockClass> = [
  ...new Set(Ordering.flatMap((o): ReadonlyArray<LockClass> => o.chains.flat())),
]

/** The lock a rule's lock kind belongs to in the ordering (O1). */
export const LockClassOf = {
  mmap: "mmap_lock",
  vma: "vma_lock",
  anonVma: "anon_vma_rwsem",
  iMmap: "i_mmap_rwsem",
  pageTableLock: "page_table_lock",
  pmdLock: "page_table_lock",
  pteLock: "page_table_lock",
  swapLock: "swap_lock",
} as const satisfies { readonly [K in LockKind]?: LockClass }
