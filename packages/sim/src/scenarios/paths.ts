/**
 * Kernel paths that several scenarios of the library run (the others keep theirs in their own
 * file), written with `@mmguard/core` over the common layout (see `Scenario`): programs to
 * build worlds of your own with `Scenario.world` / `Scenario.task`. Pages are page numbers of
 * the layout.
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import type { Program } from "../Compile.js"
import { anonVmaOfAnon, api, libfoo, mm, page, pgoff } from "./kernel.js"

const {
  anonVmaIntervalTreeForeach,
  anonVmaLockRead,
  changeAccessDirty,
  detachVma,
  downgradePhases,
  findVma,
  folioAnonVma,
  freePgtables,
  iMmapLockRead,
  installNewPage,
  lockVmaUnderRcu,
  mmapReadLock,
  mmapWriteDowngrade,
  mmapWriteLock,
  pmdLock,
  pteOffsetMapLock,
  rcuReadLock,
  retractPteTable,
  vmaIntervalTreeForeach,
  vmaStartWrite,
  walkLockless,
  walkPageRangeDebug,
  writeVma,
  zapRange,
} = api

/**
 * do_user_addr_fault on page `n`: lock_vma_under_rcu first, mmap_read_lock and find_vma as the
 * fallback, and the page installed under the PTE lock (L2, L9, P3).
 */
export const fault = (n: number): Program => {
  const addr = page(n)
  return lockVmaUnderRcu(mm, addr, {
    onLocked: (vma) => pteOffsetMapLock(vma, addr, (pte) => installNewPage(pte, addr)),
    onFallback: () =>
      mmapReadLock(mm, (lock) =>
        Effect.flatMap(findVma(lock, addr), (vma) =>
          pteOffsetMapLock(vma, addr, (pte) => installNewPage(pte, addr)),
        ),
      ),
  })
}

/** mprotect of the VMA of page `n`: vm_flags under mmap write + VMA write (F3). */
export const mprotect = (n: number): Program =>
  mmapWriteLock(mm, (lock) =>
    Effect.flatMap(findVma(lock, page(n)), (vma) =>
      vmaStartWrite(vma, writeVma(vma, "vm_flags", ["read"])),
    ),
  )

/** The pages [2048, 2560) of "libfoo" as page offsets: the range the file rmap walks visit. */
const [first, last] = [pgoff(2048), pgoff(2559)]

/**
 * unmap_mapping_range on truncation: under the i_mmap read lock, vma_interval_tree_foreach over
 * the VMAs mapping the file's pages, zapping each (P4).
 */
export const truncate: Program = iMmapLockRead(libfoo, (locked) =>
  vmaIntervalTreeForeach(locked, first, last, (vma) => zapRange(vma, page(2048), page(2560))),
)

/**
 * Reclaim clearing the accessed bit of the anonymous page 512 (folio_referenced): from the
 * folio's anon_vma, an rmap walk under the anon_vma read lock (P5), and in each VMA the change
 * under the PTE lock (P8).
 */
export const reclaim: Program = anonVmaLockRead(folioAnonVma(anonVmaOfAnon), (locked) =>
  anonVmaIntervalTreeForeach(locked, pgoff(512), pgoff(512), (vma) =>
    pteOffsetMapLock(vma, page(512), (pte) =>
      changeAccessDirty(pte, page(512), { accessed: false }),
    ),
  ),
)

/**
 * khugepaged's retract_page_tables of "libfoo"'s empty PTE table: i_mmap read, then in each
 * VMA the PMD lock and the PTE lock, and the table goes, freed after an RCU grace period (P15,
 * P10).
 */
export const retract: Program = iMmapLockRead(libfoo, (locked) =>
  vmaIntervalTreeForeach(locked, first, first, (vma) =>
    pmdLock(vma, page(2048), (pmd) =>
      pteOffsetMapLock(vma, page(2048), (pte) => retractPteTable(pmd, pte)),
    ),
  ),
)

/** GUP-fast on the file page 2048: a lockless walk inside RCU (P13, P10). */
export const gupFast: Program = rcuReadLock(walkLockless(mm, page(2048)))

/** The VMAs a munmap of the library removes: the anonymous one, or the file one of "libfoo". */
const ranges = { anon: [512, 1024], file: [2048, 2560] } as const

/**
 * The kernel's munmap (do_vmi_align_munmap) of one VMA of the layout: vms_gather_munmap_vmas
 * write-locks and detaches it under the mmap write lock, vms_complete_munmap_vmas downgrades the
 * lock (mmap_write_downgrade) and vms_clear_ptes zaps (unmap_vmas) and frees the page tables
 * (free_pgtables) under the read lock, with the proof that the VMA was detached (L3, V7, V5,
 * P4, P7 rev 2).
 */
export const munmap = (vma: keyof typeof ranges): Program => {
  const [start, end] = [page(ranges[vma][0]), page(ranges[vma][1])]
  return mmapWriteDowngrade(mm, (lock) =>
    downgradePhases(
      Effect.gen(function* () {
        const found = yield* findVma(lock, start)
        const detached = yield* vmaStartWrite(found, detachVma(found))
        return { found, detached }
      }),
      ({ found, detached }) =>
        Effect.andThen(zapRange(found, start, end), freePgtables(lock, start, end, detached)),
    ),
  )
}

/**
 * ptdump (walk_page_range_debug): the whole low range walked, VMAs or not, under the mmap write
 * lock (P6 rev 2): a downgraded munmap frees page tables under the read lock, so a reader-side
 * walk could meet tables being freed.
 */
export const ptdump: Program = mmapWriteLock(mm, (lock) =>
  walkPageRangeDebug(lock, page(0), page(16384)),
)
