import { addr, Core, Effect, end, far, Mm, mm, pfn, provide, run, vma } from "./setup.js"

// 5. write vm_start with mmap write + VMA write but no rmap write lock (F1).
const program = Core.mmapWriteLock(mm, Core.vmaStartWrite(vma, Core.writeVma(vma, "vm_start", 0n)))
// @expect-error LockRequired<"RmapWriteLock", "proc1">
run(program.pipe(provide))
