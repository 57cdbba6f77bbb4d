import * as Core from "@mmguard/core"
import { Kernel, Mm } from "@mmguard/core"
import { Effect } from "effect"

const mm = Mm.make("proc1")
const addr = 0x7f3a_0000_0000n
declare const kernel: Kernel.KernelShape
declare const vma: Core.Vma.Vma<"proc1">
const run = <A, E>(program: Effect.Effect<A, E, never>) => Effect.runPromise(program)
const provide = Effect.provide(Kernel.layer(kernel))

// 8. the mmap lock of mm A does not cover an operation on mm B.
const other = Mm.make("proc2")
declare const otherVma: Core.Vma.Vma<"proc2">
const program = Core.mmapWriteLock(mm, Core.zapRange(otherVma, addr, addr + 4096n))
// @expect-error LockRequired<"StableVmaLock", "proc2">
run(program.pipe(provide))

export { other }
