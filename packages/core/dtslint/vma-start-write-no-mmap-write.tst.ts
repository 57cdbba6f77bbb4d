import { Core, Effect, mm, provide, run, vma } from "./setup.js"

// 4. vma_start_write without the mmap write lock (L3); the mmap read lock is not enough.
const program = Core.mmapReadLock(mm, () => Core.vmaStartWrite(vma, Effect.void))
// @expect-error LockRequired<"MmapWriteLock", "proc1">
run(program.pipe(provide))
