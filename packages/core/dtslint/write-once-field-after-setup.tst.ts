import * as Core from "@mmguard/core"
import { Kernel, Mm } from "@mmguard/core"
import { Effect } from "effect"

const mm = Mm.make("proc1")
const addr = 0x7f3a_0000_0000n
declare const kernel: Kernel.KernelShape
declare const vma: Core.Vma.Vma<"proc1">
const run = <A, E>(program: Effect.Effect<A, E, never>) => Effect.runPromise(program)
const provide = Effect.provide(Kernel.layer(kernel))

// 14. write vm_file after setup (F2): no lock permits it, even all of them.
const program = Core.mmapWriteLock(
  mm,
  Core.vmaStartWrite(vma, Core.iMmapLockWrite(vma, Core.writeVma(vma, "vm_file", "other"))),
)
// @expect-error LockRequired<"VmaSetupOnly", "proc1">
run(program.pipe(provide))
