import { addr, anonVmaLock, Core, Effect, end, mapping, mm, provide, run, vma } from "./setup.js"

// Issue 12 point 6 (O1-O3): nesting against `Rules.Ordering` is an inversion naming both lock
// classes and the rule that orders them.

// i_mmap_rwsem inside an anon_vma scope (O2: i_mmap_rwsem -> anon_vma lock).
const iMmapInAnon = Core.anonVmaLockWrite(anonVmaLock, () =>
  Core.iMmapLockRead(mapping, () => Core.zapRange(vma, addr, end)),
)
// @expect-error O3: lock inversion: i_mmap_rwsem is taken before anon_vma_rwsem (O1, O2), never inside it
run(iMmapInAnon.pipe(provide))

// The mmap lock inside an i_mmap scope (O1: mmap_lock -> ... -> i_mmap_rwsem).
const mmapInIMmap = Core.iMmapLockRead(mapping, () => Core.mmapReadLock(mm, () => Effect.void))
// @expect-error O3: lock inversion: mmap_lock is taken before i_mmap_rwsem
run(mmapInIMmap.pipe(provide))

// The mmap lock under a PTE lock (O1, and O2 rev 2: mmap_lock -> ... -> page_table_lock).
const mmapUnderPtl = Core.pteOffsetMapLock(vma, addr, () =>
  Core.mmapReadLock(mm, () => Effect.void),
)
// @expect-error O3: lock inversion: mmap_lock is taken before page_table_lock (O1, O2)
run(mmapUnderPtl.pipe(provide))

// vma_start_write inside an i_mmap scope (O1: vma_start_write -> i_mmap_rwsem).
const vmaWriteInIMmap = Core.mmapWriteLock(mm, () =>
  Core.iMmapLockWrite(mapping, () => Core.vmaStartWrite(vma, Effect.void)),
)
// @expect-error O3: lock inversion: vma_lock is taken before i_mmap_rwsem (O1)
run(vmaWriteInIMmap.pipe(provide))

// Correct: the kernel's order, mmap -> vma_start_write -> i_mmap -> anon_vma -> PTE lock.
const inOrder = Core.mmapWriteLock(mm, () =>
  Core.vmaStartWrite(
    vma,
    Core.iMmapLockWrite(mapping, () =>
      Core.anonVmaLockWrite(anonVmaLock, () =>
        Core.pteOffsetMapLock(vma, addr, (pte) => Core.readPte(pte, addr)),
      ),
    ),
  ),
)
run(inOrder.pipe(provide))
