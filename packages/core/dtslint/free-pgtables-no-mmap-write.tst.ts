import { addr, Core, end, mm, provide, run } from "./setup.js"

// 11. free_pgtables with only the mmap read lock and no VMA detached (P7).
const program = Core.mmapReadLock(mm, (lock) => Core.freePgtables(lock, addr, end))
// @expect-error LockRequired<"MmapWriteOrDetached", "proc1">
run(program.pipe(provide))
