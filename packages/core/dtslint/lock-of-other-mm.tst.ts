import { addr, Core, end, Mm, mm, provide, run } from "./setup.js"

// 8. the mmap lock of mm A does not cover an operation on mm B.
const other = Mm.make("proc2")
declare const otherVma: Core.Vma.Vma<"proc2">
const program = Core.mmapWriteLock(mm, () => Core.zapRange(otherVma, addr, end))
// @expect-error LockRequired<"StableVmaLock", "proc2">
run(program.pipe(provide))

export { other }
