import { addr, Core, end, provide, run, vma } from "./setup.js"

// 3. zap holding nothing (P4 needs a lock that keeps the VMA stable).
// @expect-error LockRequired<"StableVmaLock", "proc1">
run(Core.zapRange(vma, addr, end).pipe(provide))
