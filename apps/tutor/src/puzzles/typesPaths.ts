/**
 * Type puzzles of the page-table, VMA-lock and kernel-path chapters (the file and the builder
 * are in `typeFile.ts`).
 */
import { Scenarios } from "@mmguard/sim"
import type { TypePuzzle } from "../engine/Puzzle.js"
import { libraryTask } from "./paths.js"
import { ANON } from "./steps.js"
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
      "onFallback: () => Core.mmapReadLock(mm, () => ...)",
    ],
    kernel: "do_user_addr_fault -> lock_vma_under_rcu, then mmap_read_lock",
    start:
      "const program = Core.lockVmaUnderRcu(mm, addr, {\n  onLocked: (v) => Core.zapRange(v, addr, end),\n})",
    solution:
      "const program = Core.lockVmaUnderRcu(mm, addr, {\n  onLocked: (v) => Core.zapRange(v, addr, end),\n  onFallback: () => Core.mmapReadLock(mm, () => Core.zapRange(vma, addr, end)),\n})",
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
      "const program = Core.lockVmaUnderRcu(mm, addr, {\n  onLocked: (v) => Core.mmapReadLock(mm, () => Core.zapRange(v, addr, end)),\n  onFallback: () => Effect.void,\n})",
    solution:
      "const program = Core.lockVmaUnderRcu(mm, addr, {\n  onLocked: (v) => Core.zapRange(v, addr, end),\n  onFallback: () => Effect.void,\n})",
  }),
  puzzle("type-vma-under-mmap", {
    chapter: "V",
    title: "The allowed direction",
    rules: ["V8", "L9"],
    task: "Under the mmap read lock, find the VMA at addr, also take its VMA read lock with vma_start_read_locked, and zap [addr, end) with it.",
    lesson:
      "Taking a VMA read lock while holding the mmap read lock is the allowed direction (L9), and the kernel has vma_start_read_locked for it. Even there it can fail (the VMA's reference count is saturated, or it was detached), so the caller says what happens then (V8).",
    hints: [
      "The error names the lock vma_start_read_locked needs held.",
      "Take mmapReadLock and find the VMA in it: Core.findVma(lock, addr).",
      "Read-lock the VMA found: Core.vmaStartReadLocked(v, { ... }).",
    ],
    kernel: "vma_start_read_locked (mm/mmap_lock.c), e.g. in userfaultfd",
    start:
      "const program = Core.vmaStartReadLocked(vma, {\n  onLocked: (locked) => Core.zapRange(locked, addr, end),\n  onFailed: () => Effect.void,\n})",
    solution:
      "const program = Core.mmapReadLock(mm, (lock) =>\n  Effect.flatMap(Core.findVma(lock, addr), (v) =>\n    Core.vmaStartReadLocked(v, {\n      onLocked: (locked) => Core.zapRange(locked, addr, end),\n      onFailed: () => Effect.void,\n    }),\n  ),\n)",
  }),
  puzzle("type-free-pgtables", {
    chapter: "P",
    title: "Free the page tables",
    rules: ["P7"],
    task: "Free the page tables of [addr, end).",
    lesson:
      "free_pgtables requires the mmap write lock (P7), or, since rev 2, the VMAs of the range detached first in the same mmap scope (the downgraded munmap): under the read lock alone another thread may still walk the tables.",
    hints: [
      "Read is not enough.",
      "The error names MmapWriteOrDetached: which of the two is quicker here?",
    ],
    kernel: "free_pgtables (mm/memory.c)",
    start: "const program = Core.mmapReadLock(mm, (lock) => Core.freePgtables(lock, addr, end))",
    solution:
      "const program = Core.mmapWriteLock(mm, (lock) => Core.freePgtables(lock, addr, end))",
  }),
  puzzle("type-change-pte", {
    chapter: "P",
    title: "Clear an accessed bit",
    rules: ["P5", "P8"],
    task: "Clear the accessed bit of the PTE at addr.",
    lesson:
      "Any entry change holds the lock of its table (P8), also reclaim's (P5): the entry is changed through the table pte_offset_map_lock locked, never through the VMA.",
    hints: [
      "Which lock guards one entry? The error names P8.",
      "pteOffsetMapLock hands its body the locked table: (pte) => ...",
    ],
    kernel: "ptep_clear_flush_young under the PTE lock",
    start:
      "const program = Core.mmapReadLock(mm, () =>\n  Core.changeAccessDirty(vma, addr, { accessed: false }),\n)",
    solution:
      "const program = Core.mmapReadLock(mm, () =>\n  Core.pteOffsetMapLock(vma, addr, (pte) =>\n    Core.changeAccessDirty(pte, addr, { accessed: false }),\n  ),\n)",
  }),
  puzzle("type-walk", {
    chapter: "P",
    title: "Walk the tables",
    rules: ["P2"],
    task: "Walk the page tables at addr of every VMA mapping the file's pages [first, last], from the file's side (no mmap lock), as an rmap walk does.",
    lesson:
      "Walking needs only a stable VMA (P2): an rmap lock is one way. The i_mmap lock keeps every VMA in the file's interval tree stable, in every mm, each for its step of the walk.",
    hints: [
      "Any lock that keeps the VMA stable.",
      "iMmapLockRead(mapping, (locked) => ...)",
      "Core.vmaIntervalTreeForeach(locked, first, last, (v) => ...)",
    ],
    kernel: "page_vma_mapped_walk (rmap walks)",
    start: "const program = Core.walk(vma, addr)",
    solution:
      "const program = Core.iMmapLockRead(mapping, (locked) =>\n  Core.vmaIntervalTreeForeach(locked, first, last, (v) => Core.walk(v, addr)),\n)",
  }),
  puzzle("type-move", {
    chapter: "P",
    title: "Move page tables",
    rules: ["P14"],
    task: "Move the page tables of [addr, end) to far.",
    lesson:
      "move_page_tables needs the mmap, VMA and rmap write locks of the VMA's kind (P14): i_mmap alone does not cover an anonymous VMA, or the COW pages of a private file mapping.",
    hints: [
      "Which lock does the error still name?",
      "A VMA of unknown kind: takeRmapLocks takes what its kind needs.",
    ],
    kernel: "move_page_tables (mm/mremap.c)",
    start:
      "const program = Core.mmapWriteLock(mm, () =>\n  Core.vmaStartWrite(\n    vma,\n    Core.iMmapLockWrite(mapping, () => Core.movePageTables(vma, addr, end, far)),\n  ),\n)",
    solution:
      "const program = Core.mmapWriteLock(mm, () =>\n  Core.vmaStartWrite(vma, Core.takeRmapLocks(vma, Core.movePageTables(vma, addr, end, far))),\n)",
  }),
  puzzle("type-retract", {
    chapter: "P",
    title: "Retract an empty table",
    rules: ["P15", "P9"],
    task: "Retract the empty PTE table at addr of every VMA mapping the file's pages [first, last], as khugepaged does (no mmap lock).",
    lesson:
      "A PTE table may be torn down under the i_mmap read lock, the PMD lock and the PTE lock (P15): the PMD table has its own split lock (P9).",
    hints: [
      "One split lock is missing: the PMD table's.",
      "pmdLock(v, addr, (pmd) => ...), outside the PTE lock.",
      "retractPteTable(pmd, pte) takes both locked tables.",
    ],
    kernel: "retract_page_tables (mm/khugepaged.c)",
    start:
      "const program = Core.iMmapLockRead(mapping, (locked) =>\n  Core.vmaIntervalTreeForeach(locked, first, last, (v) =>\n    Core.pteOffsetMapLock(v, addr, (pte) => Core.retractPteTable(v, pte)),\n  ),\n)",
    solution:
      "const program = Core.iMmapLockRead(mapping, (locked) =>\n  Core.vmaIntervalTreeForeach(locked, first, last, (v) =>\n    Core.pmdLock(v, addr, (pmd) =>\n      Core.pteOffsetMapLock(v, addr, (pte) => Core.retractPteTable(pmd, pte)),\n    ),\n  ),\n)",
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
      'const program = Core.mmapWriteDowngrade(mm, () =>\n  Core.downgradePhases(\n    Core.vmaStartWrite(vma, Core.writeVma(vma, "vm_flags", [])),\n    () => Core.writeVma(vma, "vm_flags", ["read"]),\n  ),\n)',
    solution:
      'const program = Core.mmapWriteDowngrade(mm, () =>\n  Core.downgradePhases(\n    Core.vmaStartWrite(vma, Core.writeVma(vma, "vm_flags", [])),\n    () => Core.readVma(vma),\n  ),\n)',
  }),
  puzzle("type-munmap", {
    chapter: "K",
    title: "munmap",
    rules: ["P7", "L3", "L7", "P4", "V5"],
    task: "Unmap [addr, end) as the kernel does: under the mmap write lock find the VMA, write-lock and detach it; downgrade; then zap and free the tables under the read lock.",
    lesson:
      "munmap write-locks (L3) and detaches (L7) the VMA under the mmap write lock, downgrades to read (V5), and zaps (P4) and frees the tables (P7) under the read lock: free_pgtables accepts the read lock only with the proof that detach_vma gave in the same scope (P7 rev 2).",
    hints: [
      "The error names MmapWriteOrDetached.",
      "detachVma returns a proof: hand it from the write phase to the read phase.",
      "Core.freePgtables(lock, addr, end, detached)",
    ],
    kernel: "do_vmi_munmap -> vms_complete_munmap_vmas -> unmap_region",
    against: {
      mms: Scenarios.layout,
      pages: { addr: 512, end: 1024 },
      get paths() {
        return [libraryTask("page-fault", "fault")]
      },
    },
    start:
      "const program = Core.mmapWriteDowngrade(mm, (lock) =>\n  Core.downgradePhases(\n    Effect.gen(function* () {\n      const v = yield* Core.findVma(lock, addr)\n      yield* Core.vmaStartWrite(v, Core.detachVma(v))\n      return v\n    }),\n    (v) =>\n      Effect.andThen(Core.zapRange(v, addr, end), Core.freePgtables(lock, addr, end)),\n  ),\n)",
    solution:
      "const program = Core.mmapWriteDowngrade(mm, (lock) =>\n  Core.downgradePhases(\n    Effect.gen(function* () {\n      const v = yield* Core.findVma(lock, addr)\n      const detached = yield* Core.vmaStartWrite(v, Core.detachVma(v))\n      return { v, detached }\n    }),\n    ({ v, detached }) =>\n      Effect.andThen(Core.zapRange(v, addr, end), Core.freePgtables(lock, addr, end, detached)),\n  ),\n)",
  }),
  puzzle("type-mremap", {
    chapter: "K",
    title: "mremap",
    rules: ["P14", "O1"],
    task: "Move [addr, end) of a private file mapping to far: find the VMA, check its kind, write-lock it, take both rmap locks in order, move.",
    lesson:
      "mremap takes the mmap write lock, write-locks the VMA (L3), then the rmap locks of its kind in O1's order, i_mmap before anon_vma (take_rmap_locks), and moves the tables (P14). A private file mapping with COW pages sits in both trees.",
    hints: [
      "The error names the rmap locks still missing.",
      "i_mmap first: Core.iMmapLockWrite(Core.fileMapping(v), () => ...).",
      "Then the anon_vma: Core.anonVmaLockWrite(yield* Core.anonVmaOf(v), () => ...).",
    ],
    kernel: "mremap -> move_vma -> move_page_tables (take_rmap_locks)",
    start:
      'const program = Core.mmapWriteLock(mm, (lock) =>\n  Effect.gen(function* () {\n    const v = yield* Core.findVma(lock, addr)\n    if (!Core.Vma.hasKind(v, "privateFileAnon")) return\n    yield* Core.vmaStartWrite(v, Core.movePageTables(v, addr, end, far))\n  }),\n)',
    solution:
      'const program = Core.mmapWriteLock(mm, (lock) =>\n  Effect.gen(function* () {\n    const v = yield* Core.findVma(lock, addr)\n    if (!Core.Vma.hasKind(v, "privateFileAnon")) return\n    const av = yield* Core.anonVmaOf(v)\n    yield* Core.vmaStartWrite(\n      v,\n      Core.iMmapLockWrite(Core.fileMapping(v), () =>\n        Core.anonVmaLockWrite(av, () => Core.movePageTables(v, addr, end, far)),\n      ),\n    )\n  }),\n)',
  }),
  puzzle("type-fault", {
    chapter: "K",
    title: "The page fault",
    rules: ["L2", "P3", "P8"],
    task: "Handle a fault at addr: the VMA read lock first, the mmap read lock as the fallback; install pfn under the PTE lock either way.",
    lesson:
      "do_user_addr_fault tries lock_vma_under_rcu first (L2) and falls back to the mmap read lock; either allows the install (P3) under the PTE lock (P8).",
    hints: [
      "The error names P8: install through the locked table.",
      "The fallback needs the VMA again: findVma(lock, addr) under the mmap lock.",
      "Both paths install under pteOffsetMapLock(v, addr, (pte) => ...).",
    ],
    kernel: "do_user_addr_fault -> handle_mm_fault",
    against: {
      mms: Scenarios.layout,
      pages: { addr: ANON },
      get paths() {
        return [libraryTask("munmap", "munmap"), libraryTask("mprotect", "mprotect")]
      },
      maps: { page: ANON, rule: "L2" },
    },
    start:
      "const program = Core.lockVmaUnderRcu(mm, addr, {\n  onLocked: (v) => Core.installPte(v, addr, pfn),\n  onFallback: () => Effect.void,\n})",
    solution:
      "const program = Core.lockVmaUnderRcu(mm, addr, {\n  onLocked: (v) => Core.pteOffsetMapLock(v, addr, (pte) => Core.installPte(pte, addr, pfn)),\n  onFallback: () =>\n    Core.mmapReadLock(mm, (lock) =>\n      Effect.flatMap(Core.findVma(lock, addr), (v) =>\n        Core.pteOffsetMapLock(v, addr, (pte) => Core.installPte(pte, addr, pfn)),\n      ),\n    ),\n})",
  }),
  puzzle("type-mprotect", {
    chapter: "K",
    title: "mprotect",
    rules: ["F3", "L5", "L3"],
    task: "Make the range read-only as mprotect does: find the VMA under the write lock, write-lock it, set vm_flags and vm_page_prot.",
    lesson:
      "mprotect looks the VMA up under the mmap write lock (the handle is valid in that scope only, L5), write-locks it (L3) and writes both protection fields (F3).",
    hints: [
      "The read lock does not let anyone write.",
      "mmapWriteLock, then vmaStartWrite around both writes.",
    ],
    kernel: "do_mprotect_pkey -> mprotect_fixup -> vma_set_page_prot",
    start:
      'const program = Core.mmapReadLock(mm, (lock) =>\n  Effect.gen(function* () {\n    const v = yield* Core.findVma(lock, addr)\n    yield* Core.writeVma(v, "vm_flags", ["read"])\n    yield* Core.writeVma(v, "vm_page_prot", 1n)\n  }),\n)',
    solution:
      'const program = Core.mmapWriteLock(mm, (lock) =>\n  Effect.gen(function* () {\n    const v = yield* Core.findVma(lock, addr)\n    yield* Core.vmaStartWrite(\n      v,\n      Effect.all([Core.writeVma(v, "vm_flags", ["read"]), Core.writeVma(v, "vm_page_prot", 1n)]),\n    )\n  }),\n)',
  }),
  puzzle("type-expand-stack", {
    chapter: "K",
    title: "The stack grows down",
    rules: ["V6", "F1"],
    task: "Grow the stack: move vm_start of the anonymous VMA stack down, as expand_downwards does.",
    lesson:
      "expand_downwards write-locks the VMA so faults under its read lock cannot race the change (V6); vm_start also needs the rmap write lock (F1).",
    hints: [
      "Faults hold the VMA read lock: keep them out.",
      "vmaStartWrite around the anon_vma write lock.",
    ],
    kernel: "expand_downwards (mm/mmap.c)",
    start:
      'const program = Core.mmapWriteLock(mm, () =>\n  Core.anonVmaLockWrite(anonVma, () => Core.writeVma(stack, "vm_start", 0n)),\n)',
    solution:
      'const program = Core.mmapWriteLock(mm, () =>\n  Core.vmaStartWrite(\n    stack,\n    Core.anonVmaLockWrite(anonVma, () => Core.writeVma(stack, "vm_start", 0n)),\n  ),\n)',
  }),
]
