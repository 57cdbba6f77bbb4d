import * as Core from "@mmguard/core"
import { Kernel, Mm } from "@mmguard/core"
import { Effect } from "effect"

const mm = Mm.make("proc1")
const addr = 0x7f3a_0000_0000n
declare const kernel: Kernel.KernelShape
declare const vma: Core.Vma.Vma<"proc1">
const run = <A, E>(program: Effect.Effect<A, E, never>) => Effect.runPromise(program)
const provide = Effect.provide(Kernel.layer(kernel))

// 11. free_pgtables with only the mmap read lock (P7 needs the write lock).
const program = Core.mmapReadLock(mm, Core.freePgtables(mm, addr, addr + 0x20_0000n))
// @expect-error LockRequired<"MmapWriteLock", "proc1">
run(program.pipe(provide))
