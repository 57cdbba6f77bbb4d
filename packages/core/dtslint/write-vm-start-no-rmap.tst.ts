import { anonVma, Core, mm, provide, run } from "./setup.js"

// 5. write vm_start with mmap write + VMA write but no rmap write lock (F1): for an anonymous
// VMA, its anon_vma's.
const program = Core.mmapWriteLock(mm, () =>
  Core.vmaStartWrite(anonVma, Core.writeVma(anonVma, "vm_start", 0n)),
)
// @expect-error LockRequired<"AnonVmaWriteLock", "proc1">
run(program.pipe(provide))
