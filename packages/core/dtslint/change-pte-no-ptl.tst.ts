import { addr, Core, Effect, end, far, Mm, mm, pfn, provide, run, vma } from "./setup.js"

// 13. change a PTE without its page table lock (P8), though the mmap lock is held.
const program = Core.mmapReadLock(mm, Core.changeAccessDirty(vma, addr, { accessed: false }))
// @expect-error LockRequired<"PageTableEntryLock", "proc1">
run(program.pipe(provide))
