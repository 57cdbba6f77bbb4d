import { addr, anonVma, Core, end, far, mm, provide, run } from "./setup.js"

// 12. move_page_tables without the rmap locks (P14 needs mmap, VMA and rmap write locks).
const program = Core.mmapWriteLock(mm, () =>
  Core.vmaStartWrite(anonVma, Core.movePageTables(anonVma, addr, end, far)),
)
// @expect-error LockRequired<"AnonVmaWriteLock", "proc1">
run(program.pipe(provide))
