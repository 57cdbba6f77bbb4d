import { Core, Effect, provide, vma } from "./setup.js"

// 15. running a program that still requires a lock is a compile error.
const program = Core.readVma(vma)
// @expect-error LockRequired<"StableVmaLock", "proc1">
Effect.runPromise(program.pipe(provide))
