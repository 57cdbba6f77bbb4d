import { Core, mm, provide, run, vma } from "./setup.js"

// 6. write vm_flags / vm_page_prot holding only the mmap read lock (F3).
const flags = Core.mmapReadLock(mm, () => Core.writeVma(vma, "vm_flags", ["read"]))
const prot = Core.mmapReadLock(mm, () =>
  Core.vmaStartWrite(vma, Core.writeVma(vma, "vm_page_prot", 0n)),
)
// @expect-error LockRequired<"VmaWriteLock", "proc1">
run(flags.pipe(provide))
// @expect-error LockRequired<"MmapWriteLock", "proc1">
run(prot.pipe(provide))
