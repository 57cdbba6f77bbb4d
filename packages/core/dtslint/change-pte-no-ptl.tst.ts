import * as Core from "@mmguard/core"
import { Kernel, Mm } from "@mmguard/core"
import { Effect } from "effect"

const mm = Mm.make("proc1")
const addr = 0x7f3a_0000_0000n
declare const kernel: Kernel.KernelShape
declare const vma: Core.Vma.Vma<"proc1">
const run = <A, E>(program: Effect.Effect<A, E, never>) => Effect.runPromise(program)
const provide = Effect.provide(Kernel.layer(kernel))

// 13. change a PTE without its page table lock (P8), though the mmap lock is held.
const program = Core.mmapReadLock(mm, Core.changeAccessDirty(vma, addr, { accessed: false }))
// @expect-error LockRequired<"PageTableEntryLock", "proc1">
run(program.pipe(provide))
