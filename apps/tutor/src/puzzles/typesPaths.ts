/**
 * Type puzzles of the page-table, VMA-lock and kernel-path chapters (the file and the builder
 * are in `typeFile.ts`).
 */
import type { TypePuzzle } from "../engine/Puzzle.js"
import { puzzle } from "./typeFile.js"

/** The type puzzles of the P, V and K chapters. */
export const pathTypes: ReadonlyArray<TypePuzzle> = [
  puzzle("type-fallback", {
    chapter: "V",
    title: "lock_vma_under_rcu can fail",
    rules: ["L2", "V3"],
    task: "Zap [addr, end) under the VMA read lock.",
    lesson:
      "The VMA read lock is optimistic: a writer or contention makes it fail, and the caller falls back to the mmap read lock (L2, V3).",
    hints: [
      "The compiler asks for a property.",
      "What runs when lock_vma_under_rcu fails?",
      "onFallback: () => Core.mmapReadLock(mm, ...)",
    ],
    kernel: "do_user_addr_fault -> lock_vma_under_rcu, then mmap_read_lock",
    start:
      "const program = Core.lockVmaUnderRcu(mm, addr, {\n  onLocked: (v) => Core.zapRange(v, addr, end),\n})",
    solution:
      "const program = Core.lockVmaUnderRcu(mm, addr, {\n  onLocked: (v) => Core.zapRange(v, addr, end),\n  onFallback: () => Core.mmapReadLock(mm, Core.zapRange(vma, addr, end)),\n})",
  }),
  puzzle("type-l9", {
    chapter: "V",
    title: "Inside the VMA read lock",
    rules: ["L9"],
    task: "Zap [addr, end) under the VMA read lock; do nothing on fallback.",
    lesson:
      "A writer holding mmap write may wait in vma_start_write for our VMA read lock: taking the mmap lock inside would deadlock (L9).",
    hints: ["The error names L9.", "Keep the mmap lock out of onLocked."],
    kernel: "lock_vma_under_rcu callers (do_user_addr_fault)",
    start:
      "const program = Core.lockVmaUnderRcu(mm, addr, {\n  onLocked: (v) => Core.mmapReadLock(mm, Core.zapRange(v, addr, end)),\n  onFallback: () => Effect.void,\n})",
    solution:
      "const program = Core.lockVmaUnderRcu(mm, addr, {\n  onLocked: (v) => Core.zapRange(v, addr, end),\n  onFallback: () => Effect.void,\n})",
  }),
  puzzle("type-vma-under-mmap", {
    chapter: "V",
    title: "The allowed direction",
    rules: ["V8", "L9"],
    task: "Under the mmap read lock, also take the VMA read lock and zap [addr, end) with it.",
    lesson:
      "Taking a VMA read lock while holding the mmap read lock is the allowed direction (L9): the kernel has vma_start_read_locked for it, which can still fail, so its result is checked (V8).",
    hints: [
      "Swap the nesting: which lock goes outside?",
      "mmapReadLock outside, lockVmaUnderRcu inside.",
    ],
    kernel: "vma_start_read_locked (mm/mmap_lock.c), e.g. in userfaultfd",
    start:
      "const program = Core.lockVmaUnderRcu(mm, addr, {\n  onLocked: (v) => Core.mmapReadLock(mm, Core.zapRange(v, addr, end)),\n  onFallback: () => Effect.void,\n})",
    solution:
      "const program = Core.mmapReadLock(\n  mm,\n  Core.lockVmaUnderRcu(mm, addr, {\n    onLocked: (v) => Core.zapRange(v, addr, end),\n    onFallback: () => Effect.void,\n  }),\n)",
  }),
  puzzle("type-free-pgtables", {
    chapter: "P",
    title: "Free the page tables",
    rules: ["P7"],
    task: "Free the page tables of [addr, end).",
    lesson: "free_pgtables requires the mmap write lock (P7), or VMAs made unreachable first.",
    hints: ["Read is not enough."],
    kernel: "free_pgtables (mm/memory.c)",
    start: "const program = Core.mmapReadLock(mm, Core.freePgtables(mm, addr, end))",
    solution: "const program = Core.mmapWriteLock(mm, Core.freePgtables(mm, addr, end))",
  }),
  puzzle("type-change-pte", {
    chapter: "P",
    title: "Clear an accessed bit",
    rules: ["P5", "P8"],
    task: "Clear the accessed bit of the PTE at addr.",
    lesson: "Any entry change holds the lock of its table (P8), also reclaim's (P5).",
    hints: ["Which lock guards one entry?", "pteOffsetMapLock."],
    kernel: "ptep_clear_flush_young under the PTE lock",
    start:
      "const program = Core.mmapReadLock(\n  mm,\n  Core.changeAccessDirty(vma, addr, { accessed: false }),\n)",
    solution:
      "const program = Core.mmapReadLock(\n  mm,\n  Core.pteOffsetMapLock(vma, addr, Core.changeAccessDirty(vma, addr, { accessed: false })),\n)",
  }),
  puzzle("type-walk", {
    chapter: "P",
    title: "Walk the tables",
    rules: ["P2"],
    task: "Walk the page tables of addr from the file's side (no mmap lock).",
    lesson: "Walking needs only a stable VMA (P2): an rmap lock is one way.",
    hints: ["Any lock that keeps the VMA stable.", "iMmapLockRead."],
    kernel: "page_vma_mapped_walk (rmap walks)",
    start: "const program = Core.walk(vma, addr)",
    solution: "const program = Core.iMmapLockRead(vma, Core.walk(vma, addr))",
  }),
  puzzle("type-move", {
    chapter: "P",
    title: "Move page tables",
    rules: ["P14"],
    task: "Move the page tables of [addr, end) to far.",
    lesson: "move_page_tables needs the mmap, VMA and rmap write locks (P14).",
    hints: ["Which lock does the error still name?", "The rmap: iMmapLockWrite."],
    kernel: "move_page_tables (mm/mremap.c)",
    start:
      "const program = Core.mmapWriteLock(\n  mm,\n  Core.vmaStartWrite(vma, Core.movePageTables(vma, addr, end, far)),\n)",
    solution:
      "const program = Core.mmapWriteLock(\n  mm,\n  Core.vmaStartWrite(vma, Core.iMmapLockWrite(vma, Core.movePageTables(vma, addr, end, far))),\n)",
  }),
  puzzle("type-retract", {
    chapter: "P",
    title: "Retract an empty table",
    rules: ["P15", "P9"],
    task: "Retract the empty PTE table of addr, as khugepaged does (no mmap lock).",
    lesson:
      "A PTE table may be torn down under the i_mmap read lock, the PMD lock and the PTE lock (P15): the PMD table has its own split lock (P9).",
    hints: ["One split lock is missing.", "pmdLock, outside the PTE lock."],
    kernel: "retract_page_tables (mm/khugepaged.c)",
    start:
      "const program = Core.iMmapLockRead(\n  vma,\n  Core.pteOffsetMapLock(vma, addr, Core.retractPteTable(vma, addr)),\n)",
    solution:
      "const program = Core.iMmapLockRead(\n  vma,\n  Core.pmdLock(vma, addr, Core.pteOffsetMapLock(vma, addr, Core.retractPteTable(vma, addr))),\n)",
  }),
  puzzle("type-downgrade", {
    chapter: "V",
    title: "Write, then downgrade",
    rules: ["V5", "V2"],
    task: "Write vm_flags under the write lock, then read the VMA under the downgraded lock.",
    lesson:
      "mmap_write_downgrade keeps the mmap lock, in read mode (V5), and ends every VMA write lock (V2): after it, only what the read lock allows.",
    hints: ["What may the read phase do?", "Reading, not writing."],
    kernel: "mmap_write_downgrade (munmap, mremap)",
    start:
      'const program = Core.mmapWriteDowngrade(\n  mm,\n  Core.vmaStartWrite(vma, Core.writeVma(vma, "vm_flags", [])),\n  () => Core.writeVma(vma, "vm_flags", ["read"]),\n)',
    solution:
      'const program = Core.mmapWriteDowngrade(\n  mm,\n  Core.vmaStartWrite(vma, Core.writeVma(vma, "vm_flags", [])),\n  () => Core.readVma(vma),\n)',
  }),
  puzzle("type-munmap", {
    chapter: "K",
    title: "munmap",
    rules: ["P7", "L3", "P4"],
    task: "Unmap [addr, end): look the VMA up under the write lock, write-lock it, zap, free the tables.",
    lesson:
      "munmap under the write lock: the VMA write-locked (L3), the range zapped (P4), then free_pgtables (P7).",
    hints: [
      "The VMA must be found under the write lock to be written.",
      'findVma(mm, addr, { via: "mmap", mode: "write" }).',
    ],
    kernel: "do_vmi_munmap -> vms_complete_munmap_vmas -> unmap_region",
    start:
      "const program = Core.mmapReadLock(\n  mm,\n  Effect.gen(function* () {\n    const v = yield* Core.findVma(mm, addr)\n    yield* Core.vmaStartWrite(v, Core.zapRange(v, addr, end))\n    yield* Core.freePgtables(mm, addr, end)\n  }),\n)",
    solution:
      'const program = Core.mmapWriteLock(\n  mm,\n  Effect.gen(function* () {\n    const v = yield* Core.findVma(mm, addr, { via: "mmap", mode: "write" })\n    yield* Core.vmaStartWrite(v, Core.zapRange(v, addr, end))\n    yield* Core.freePgtables(mm, addr, end)\n  }),\n)',
  }),
  puzzle("type-mremap", {
    chapter: "K",
    title: "mremap",
    rules: ["P14", "O1"],
    task: "Move [addr, end) to far: find the VMA, write-lock it, take the rmap locks, move.",
    lesson:
      "mremap takes the mmap write lock, write-locks the VMA, then the rmap locks in O1's order (take_rmap_locks), and moves the tables (P14).",
    hints: ["The rmap locks: i_mmap, then anon_vma.", "Both in write mode."],
    kernel: "mremap -> move_vma -> move_page_tables (take_rmap_locks)",
    start:
      "const program = Core.mmapWriteLock(\n  mm,\n  Effect.gen(function* () {\n    const v = yield* Core.findVma(mm, addr)\n    yield* Core.vmaStartWrite(v, Core.movePageTables(v, addr, end, far))\n  }),\n)",
    solution:
      "const program = Core.mmapWriteLock(\n  mm,\n  Effect.gen(function* () {\n    const v = yield* Core.findVma(mm, addr)\n    yield* Core.vmaStartWrite(\n      v,\n      Core.iMmapLockWrite(v, Core.anonVmaLockWrite(v, Core.movePageTables(v, addr, end, far))),\n    )\n  }),\n)",
  }),
  puzzle("type-fault", {
    chapter: "K",
    title: "The page fault",
    rules: ["L2", "P3", "P8"],
    task: "Handle a fault at addr: the VMA read lock first, the mmap read lock as the fallback; install pfn under the PTE lock either way.",
    lesson:
      "do_user_addr_fault tries lock_vma_under_rcu first (L2) and falls back to the mmap read lock; either allows the install (P3) under the PTE lock (P8).",
    hints: [
      "The fallback needs the VMA again: findVma under the mmap lock.",
      "Both paths install under pteOffsetMapLock.",
    ],
    kernel: "do_user_addr_fault -> handle_mm_fault",
    start:
      "const program = Core.lockVmaUnderRcu(mm, addr, {\n  onLocked: (v) => Core.installPte(v, addr, pfn),\n  onFallback: () => Effect.void,\n})",
    solution:
      "const program = Core.lockVmaUnderRcu(mm, addr, {\n  onLocked: (v) => Core.pteOffsetMapLock(v, addr, Core.installPte(v, addr, pfn)),\n  onFallback: () =>\n    Core.mmapReadLock(\n      mm,\n      Effect.flatMap(Core.findVma(mm, addr), (v) =>\n        Core.pteOffsetMapLock(v, addr, Core.installPte(v, addr, pfn)),\n      ),\n    ),\n})",
  }),
  puzzle("type-mprotect", {
    chapter: "K",
    title: "mprotect",
    rules: ["F3", "L5", "L3"],
    task: "Make the range read-only as mprotect does: find the VMA under the write lock, write-lock it, set vm_flags and vm_page_prot.",
    lesson:
      "mprotect looks the VMA up under the mmap write lock (a handle typed by that lock, L5), write-locks it (L3) and writes both protection fields (F3).",
    hints: [
      "The handle found under the read lock cannot be written.",
      'findVma(mm, addr, { via: "mmap", mode: "write" }) inside mmapWriteLock.',
    ],
    kernel: "do_mprotect_pkey -> mprotect_fixup -> vma_set_page_prot",
    start:
      'const program = Core.mmapReadLock(\n  mm,\n  Effect.gen(function* () {\n    const v = yield* Core.findVma(mm, addr)\n    yield* Core.writeVma(v, "vm_flags", ["read"])\n    yield* Core.writeVma(v, "vm_page_prot", 1n)\n  }),\n)',
    solution:
      'const program = Core.mmapWriteLock(\n  mm,\n  Effect.gen(function* () {\n    const v = yield* Core.findVma(mm, addr, { via: "mmap", mode: "write" })\n    yield* Core.vmaStartWrite(\n      v,\n      Effect.all([Core.writeVma(v, "vm_flags", ["read"]), Core.writeVma(v, "vm_page_prot", 1n)]),\n    )\n  }),\n)',
  }),
  puzzle("type-expand-stack", {
    chapter: "K",
    title: "The stack grows down",
    rules: ["V6", "F1"],
    task: "Grow the stack: move vm_start of vma down, as expand_downwards does.",
    lesson:
      "expand_downwards write-locks the VMA so faults under its read lock cannot race the change (V6); vm_start also needs the rmap write lock (F1).",
    hints: [
      "Faults hold the VMA read lock: keep them out.",
      "vmaStartWrite around the anon_vma write lock.",
    ],
    kernel: "expand_downwards (mm/mmap.c)",
    start:
      'const program = Core.mmapWriteLock(\n  mm,\n  Core.anonVmaLockWrite(vma, Core.writeVma(vma, "vm_start", 0n)),\n)',
    solution:
      'const program = Core.mmapWriteLock(\n  mm,\n  Core.vmaStartWrite(vma, Core.anonVmaLockWrite(vma, Core.writeVma(vma, "vm_start", 0n))),\n)',
  }),
]
