import { addr, Core, mm, vma } from "./setup.js"

// 13. change a PTE without its page table lock (P8), though the mmap lock is held: entry
// changes take the locked table that pte_offset_map_lock hands out, and a VMA is not one.
export const program = Core.mmapReadLock(mm, () =>
  // @expect-error P8: the lock of this PTE table is held (pte_offset_map_lock)
  Core.changeAccessDirty(vma, addr, { accessed: false }),
)
