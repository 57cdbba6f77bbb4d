import { addr, Core, Effect, end, far, Mm, mm, pfn, provide, run, vma } from "./setup.js"

// 1. install a PTE with no lock held (P3).
// @expect-error LockRequired<"MmapOrVmaLock", "proc1">
run(Core.installPte(vma, addr, pfn).pipe(provide))
