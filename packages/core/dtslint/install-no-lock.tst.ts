import { addr, Core, Effect, Mm, mm, provide, run, vma } from "./setup.js"

// 1. install a PTE with no lock held (P3).
// @expect-error LockRequired<"MmapOrVmaLock", "proc1">
run(Core.installPte(vma, addr, 1n).pipe(provide))
