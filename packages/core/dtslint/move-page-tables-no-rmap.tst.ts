import * as Core from "@mmguard/core"
import { Kernel, Mm } from "@mmguard/core"
import { Effect } from "effect"

const mm = Mm.make("proc1")
const addr = 0x7f3a_0000_0000n
declare const kernel: Kernel.KernelShape
declare const vma: Core.Vma.Vma<"proc1">
const run = <A, E>(program: Effect.Effect<A, E, never>) => Effect.runPromise(program)
const provide = Effect.provide(Kernel.layer(kernel))

// 12. move_page_tables without the rmap locks (P14 needs mmap, VMA and rmap write locks).
const program = Core.mmapWriteLock(
  mm,
  Core.vmaStartWrite(vma, Core.movePageTables(vma, addr, addr + 0x20_0000n, addr + 0x4000_0000n)),
)
// @expect-error LockRequired<"RmapWriteLock", "proc1">
run(program.pipe(provide))
