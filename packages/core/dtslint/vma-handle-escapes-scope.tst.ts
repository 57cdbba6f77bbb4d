import * as Core from "@mmguard/core"
import { Kernel, Mm } from "@mmguard/core"
import { Effect } from "effect"

const mm = Mm.make("proc1")
const addr = 0x7f3a_0000_0000n
declare const kernel: Kernel.KernelShape
declare const vma: Core.Vma.Vma<"proc1">
const run = <A, E>(program: Effect.Effect<A, E, never>) => Effect.runPromise(program)
const provide = Effect.provide(Kernel.layer(kernel))

// 7. use a VMA handle after its lock scope ended (it escaped through the return value).
const escaped = Core.mmapReadLock(mm, Core.findVma(mm, addr))
const program = Effect.flatMap(escaped, (v) => Core.readVma(v))
// @expect-error LockRequired<"StableVmaLock", "proc1">
run(program.pipe(provide))
