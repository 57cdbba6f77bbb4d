import { addr, Core, Effect, end, far, Mm, mm, pfn, provide, run, vma } from "./setup.js"

// 12. move_page_tables without the rmap locks (P14 needs mmap, VMA and rmap write locks).
const program = Core.mmapWriteLock(
  mm,
  Core.vmaStartWrite(vma, Core.movePageTables(vma, addr, end, far)),
)
// @expect-error LockRequired<"RmapWriteLock", "proc1">
run(program.pipe(provide))
