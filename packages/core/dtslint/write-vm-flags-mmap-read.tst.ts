import * as Core from "@mmguard/core"
import { Kernel, Mm } from "@mmguard/core"
import { Effect } from "effect"

const mm = Mm.make("proc1")
const addr = 0x7f3a_0000_0000n
declare const kernel: Kernel.KernelShape
declare const vma: Core.Vma.Vma<"proc1">
const run = <A, E>(program: Effect.Effect<A, E, never>) => Effect.runPromise(program)
const provide = Effect.provide(Kernel.layer(kernel))

// 6. write vm_flags / vm_page_prot holding only the mmap read lock (F3).
const flags = Core.mmapReadLock(mm, Core.writeVma(vma, "vm_flags", ["read"]))
const prot = Core.mmapReadLock(mm, Core.writeVma(vma, "vm_page_prot", 0n))
// @expect-error LockRequired<"VmaWriteLock", "proc1">
run(flags.pipe(provide))
// @expect-error LockRequired<"MmapWriteLock", "proc1">
run(prot.pipe(provide))
