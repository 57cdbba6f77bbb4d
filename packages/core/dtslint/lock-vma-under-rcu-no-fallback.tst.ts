import * as Core from "@mmguard/core"
import { Kernel, Mm } from "@mmguard/core"
import { Effect } from "effect"

const mm = Mm.make("proc1")
const addr = 0x7f3a_0000_0000n
declare const kernel: Kernel.KernelShape
declare const vma: Core.Vma.Vma<"proc1">
const run = <A, E>(program: Effect.Effect<A, E, never>) => Effect.runPromise(program)
const provide = Effect.provide(Kernel.layer(kernel))

// 9. ignore the failure case of lock_vma_under_rcu (L2): the fallback is required.
// @expect-error onFallback
const program = Core.lockVmaUnderRcu(mm, addr, {
  onLocked: (v) => Core.zapRange(v, addr, addr + 4096n),
})

export { program }
