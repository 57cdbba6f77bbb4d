import * as Core from "@mmguard/core"
import { Kernel, Mm } from "@mmguard/core"
import { Effect } from "effect"

const mm = Mm.make("proc1")
const addr = 0x7f3a_0000_0000n
declare const kernel: Kernel.KernelShape
declare const vma: Core.Vma.Vma<"proc1">
const run = <A, E>(program: Effect.Effect<A, E, never>) => Effect.runPromise(program)
const provide = Effect.provide(Kernel.layer(kernel))

// 5. write vm_start with mmap write + VMA write but no rmap write lock (F1).
const program = Core.mmapWriteLock(mm, Core.vmaStartWrite(vma, Core.writeVma(vma, "vm_start", 0n)))
// @expect-error LockRequired<"RmapWriteLock", "proc1">
run(program.pipe(provide))
