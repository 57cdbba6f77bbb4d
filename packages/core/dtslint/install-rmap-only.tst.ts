import { addr, anonVmaLock, Core, pfn, provide, run, vma } from "./setup.js"

// 2. install a PTE holding only an rmap lock (P3): the rmap lock is not enough.
const program = Core.anonVmaLockWrite(anonVmaLock, () =>
  Core.pteOffsetMapLock(vma, addr, (pte) => Core.installPte(pte, addr, pfn)),
)
// @expect-error LockRequired<"MmapOrVmaLock", "proc1">
run(program.pipe(provide))
