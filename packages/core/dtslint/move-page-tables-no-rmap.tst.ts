import { addr, Core, Effect, Mm, mm, provide, run, vma } from "./setup.js"

// 12. move_page_tables without the rmap locks (P14 needs mmap, VMA and rmap write locks).
const program = Core.mmapWriteLock(
  mm,
  Core.vmaStartWrite(vma, Core.movePageTables(vma, addr, addr + 0x20_0000n, addr + 0x4000_0000n)),
)
// @expect-error LockRequired<"RmapWriteLock", "proc1">
run(program.pipe(provide))
