import * as Core from "@mmguard/core"
import { Kernel, Mm } from "@mmguard/core"
import { Effect } from "effect"

const mm = Mm.make("proc1")
const addr = 0x7f3a_0000_0000n
declare const kernel: Kernel.KernelShape
declare const vma: Core.Vma.Vma<"proc1">
const run = <A, E>(program: Effect.Effect<A, E, never>) => Effect.runPromise(program)
const provide = Effect.provide(Kernel.layer(kernel))

// 10. take the mmap lock while holding a VMA read lock of the same mm (L9).
const program = Core.lockVmaUnderRcu(mm, addr, {
  // @expect-error L9: never take the mmap lock while holding a VMA read lock
  onLocked: (v) => Core.mmapReadLock(mm, Core.zapRange(v, addr, addr + 4096n)),
  onFallback: () => Effect.void,
})

export { program }
