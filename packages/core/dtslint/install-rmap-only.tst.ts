import { addr, Core, Effect, end, far, Mm, mm, pfn, provide, run, vma } from "./setup.js"

// 2. install a PTE holding only an rmap lock (P3): the rmap lock is not enough.
const program = Core.anonVmaLockWrite(
  vma,
  Core.pteOffsetMapLock(vma, addr, Core.installPte(vma, addr, pfn)),
)
// @expect-error LockRequired<"MmapOrVmaLock", "proc1">
run(program.pipe(provide))
