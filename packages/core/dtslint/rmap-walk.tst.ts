import { addr, Core, Effect, end, mapping, mm, pfn, pgoff, provide, run } from "./setup.js"

// Issue 12 point 7: rmap locks are taken on an address_space or an anon_vma; the interval-tree
// walk yields VMAs stabilised by that lock, valid inside the walk body only.

// Correct: truncation (unmap_mapping_range) zaps every VMA mapping the range, under i_mmap (P4).
const truncate = Core.iMmapLockRead(mapping, (locked) =>
  Core.vmaIntervalTreeForeach(locked, pgoff, pgoff, (vma) => Core.zapRange(vma, addr, end)),
)
run(truncate.pipe(provide))

// Correct: khugepaged's retract_page_tables: i_mmap read, then per VMA the PMD lock and the PTE
// lock, and the empty PTE table goes (P15) - no mmap lock at all.
const retract = Core.iMmapLockRead(mapping, (locked) =>
  Core.vmaIntervalTreeForeach(locked, pgoff, pgoff, (vma) =>
    Core.pmdLock(vma, addr, (pmd) =>
      Core.pteOffsetMapLock(vma, addr, (pte) => Core.retractPteTable(pmd, pte)),
    ),
  ),
)
run(retract.pipe(provide))

// Correct: reclaim clears accessed bits through the anon_vma walk (P5), under the PTE lock.
const reclaim = Core.mmapReadLock(mm, (lock) =>
  Effect.gen(function* () {
    const vma = yield* Core.findVma(lock, addr)
    if (!Core.Vma.hasKind(vma, "anonymous", "privateFileAnon")) return
    const av = yield* Core.anonVmaOf(vma)
    yield* Core.anonVmaLockRead(av, (locked) =>
      Core.anonVmaIntervalTreeForeach(locked, pgoff, pgoff, (other) =>
        Core.pteOffsetMapLock(other, addr, (pte) =>
          Core.changeAccessDirty(pte, addr, { accessed: false }),
        ),
      ),
    )
  }),
)
run(reclaim.pipe(provide))

// Correct: reclaim starting from the folio (folio_anon_vma), with no mmap lock: shrink_folio_list.
const fromFolio = Core.anonVmaLockRead(Core.folioAnonVma(1), (locked) =>
  Core.anonVmaIntervalTreeForeach(locked, pgoff, pgoff, (other) =>
    Core.pteOffsetMapLock(other, addr, (pte) =>
      Core.changeAccessDirty(pte, addr, { accessed: false }),
    ),
  ),
)
run(fromFolio.pipe(provide))

// Broken: installing through the rmap (P3: an rmap lock alone is not enough).
const install = Core.iMmapLockRead(mapping, (locked) =>
  Core.vmaIntervalTreeForeach(locked, pgoff, pgoff, (vma) =>
    Core.pteOffsetMapLock(vma, addr, (pte) => Core.installPte(pte, addr, pfn)),
  ),
)
// @expect-error LockRequired<"MmapOrVmaLock", string>
run(install.pipe(provide))

// Broken: a walked VMA kept past its step of the walk.
export const kept = Core.iMmapLockRead(mapping, (locked) =>
  // @expect-error L5: a VMA handle is valid only inside the scope that keeps it stable
  Core.vmaIntervalTreeForeach(locked, pgoff, pgoff, (vma) => Effect.succeed(vma)),
)

// Broken: retract_page_tables under the mmap lock instead of i_mmap (P15).
const retractNoIMmap = Core.mmapReadLock(mm, (lock) =>
  Effect.flatMap(Core.findVma(lock, addr), (vma) =>
    Core.pmdLock(vma, addr, (pmd) =>
      Core.pteOffsetMapLock(vma, addr, (pte) => Core.retractPteTable(pmd, pte)),
    ),
  ),
)
// @expect-error LockRequired<"IMmapReadLock", "proc1">
run(retractNoIMmap.pipe(provide))
