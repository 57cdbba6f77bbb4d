import { addr, Core, pfn, provide, run, vma } from "./setup.js"

// 1. install a PTE holding only the PTE table's lock, no mmap or VMA lock (P3).
const program = Core.pteOffsetMapLock(vma, addr, (pte) => Core.installPte(pte, addr, pfn))
// @expect-error LockRequired<"MmapOrVmaLock", "proc1">
run(program.pipe(provide))

// 2. the same with a new page (do_anonymous_page): the same rules.
const fresh = Core.pteOffsetMapLock(vma, addr, (pte) => Core.installNewPage(pte, addr))
// @expect-error LockRequired<"MmapOrVmaLock", "proc1">
run(fresh.pipe(provide))
