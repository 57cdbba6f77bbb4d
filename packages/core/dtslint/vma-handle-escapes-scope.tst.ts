import { addr, Core, Effect, end, far, Mm, mm, pfn, provide, run, vma } from "./setup.js"

// 7. use a VMA handle after its lock scope ended (it escaped through the return value).
const escaped = Core.mmapReadLock(mm, Core.findVma(mm, addr))
const program = Effect.flatMap(escaped, (v) => Core.readVma(v))
// @expect-error LockRequired<"StableVmaLock", "proc1">
run(program.pipe(provide))
