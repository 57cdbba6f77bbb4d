import { Core, mm, provide, run, vma } from "./setup.js"

// F6: swap_readahead_info is set atomically under the mmap read lock (swap readahead).
run(Core.mmapReadLock(mm, () => Core.atomicLongSet(vma, "swap_readahead_info", 3n)).pipe(provide))
// A plain store meets no swap-specific lock, even under the mmap write lock.
const plain = Core.mmapWriteLock(mm, () => Core.writeVma(vma, "swap_readahead_info", 3n))
// @expect-error LockRequired<"SwapReadaheadLock", "proc1">
run(plain.pipe(provide))
// The atomic access alone is not enough: the mmap read lock keeps the VMA there.
// @expect-error LockRequired<"MmapReadLock", "proc1">
run(Core.atomicLongSet(vma, "swap_readahead_info", 3n).pipe(provide))
// Only fields that are accessed atomically take atomic_long_set.
// @expect-error "vm_flags"
run(Core.mmapReadLock(mm, () => Core.atomicLongSet(vma, "vm_flags", 3n)).pipe(provide))
