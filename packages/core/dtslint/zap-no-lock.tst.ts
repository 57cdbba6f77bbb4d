import * as Core from "@mmguard/core"
import { Kernel, Mm } from "@mmguard/core"
import { Effect } from "effect"

const mm = Mm.make("proc1")
const addr = 0x7f3a_0000_0000n
declare const kernel: Kernel.KernelShape
declare const vma: Core.Vma.Vma<"proc1">
const run = <A, E>(program: Effect.Effect<A, E, never>) => Effect.runPromise(program)
const provide = Effect.provide(Kernel.layer(kernel))

// 3. zap holding nothing (P4 needs a lock that keeps the VMA stable).
// @expect-error LockRequired<"StableVmaLock", "proc1">
run(Core.zapRange(vma, addr, addr + 4096n).pipe(provide))
