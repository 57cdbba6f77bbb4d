import { addr, Core, Effect, end, far, Mm, mm, pfn, provide, run, vma } from "./setup.js"

// 11. free_pgtables with only the mmap read lock (P7 needs the write lock).
const program = Core.mmapReadLock(mm, Core.freePgtables(mm, addr, end))
// @expect-error LockRequired<"MmapWriteLock", "proc1">
run(program.pipe(provide))
