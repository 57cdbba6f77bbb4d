/**
 * Type puzzles: a program written against @mmguard/core that does not compile. The player edits
 * it (in the game's editor, or in their own editor in the workshop) until the real TypeScript
 * compiler accepts it; the errors name the locks that are missing or the rule that is broken.
 */
import type { Chapter, TypePuzzle } from "../engine/Puzzle.js"

/** The file every type puzzle lives in; the program replaces the `// PROGRAM` line. */
export const prelude = `import { Effect } from "effect"
import * as Core from "@mmguard/core"
import { Kernel, Mm } from "@mmguard/core"

const mm = Mm.make("proc1")
declare const kernel: Kernel.KernelShape
declare const vma: Core.Vma.Vma<"proc1">
declare const addr: Core.Address.PageAddr // built with Core.Address.pageAddr, which validates
declare const end: Core.Address.PageAddr
declare const far: Core.Address.PageAddr
declare const pfn: Core.Address.Pfn

// PROGRAM

export const run = () => Effect.runPromise(program.pipe(Effect.provide(Kernel.layer(kernel))))
`

interface Spec {
  readonly chapter: Chapter
  readonly title: string
  readonly rules: ReadonlyArray<string>
  readonly task: string
  readonly lesson: string
  readonly hints: ReadonlyArray<string>
  readonly kernel: string
  readonly start: string
  readonly solution: string
}

const puzzle = (id: string, s: Spec): TypePuzzle => ({ kind: "type", id, prelude, ...s })

/** Every type puzzle. */
export const types: ReadonlyArray<TypePuzzle> = [
  puzzle("type-install", {
    chapter: "L",
    title: "Install a page",
    rules: ["P3", "P8"],
    task: "Map pfn at addr in vma.",
    lesson:
      "The compiler keeps each missing lock in the program's requirements until a scope provides it: installing needs the mmap or VMA lock (P3) and the PTE lock (P8).",
    hints: [
      "Read the LockRequired names in the error.",
      "An rmap lock never satisfies MmapOrVmaLock.",
      "Wrap the install in pteOffsetMapLock, and that in mmapReadLock instead of the rmap lock.",
    ],
    kernel: "do_anonymous_page -> set_pte_at under pte_offset_map_lock",
    start: "const program = Core.anonVmaLockWrite(\n  vma,\n  Core.installPte(vma, addr, pfn),\n)",
    solution:
      "const program = Core.mmapReadLock(\n  mm,\n  Core.pteOffsetMapLock(vma, addr, Core.installPte(vma, addr, pfn)),\n)",
  }),
  puzzle("type-vma-start-write", {
    chapter: "L",
    title: "Write-lock a VMA",
    rules: ["L3"],
    task: "Write-lock vma (its body may stay empty).",
    lesson:
      "vma_start_write is only legal under the mmap write lock (L3): the write lock it gives lasts until that lock is released.",
    hints: ["Read lock or write lock?", "Which scope takes the mmap lock in write mode?"],
    kernel: "vma_start_write (include/linux/mmap_lock.h)",
    start: "const program = Core.mmapReadLock(mm, Core.vmaStartWrite(vma, Effect.void))",
    solution: "const program = Core.mmapWriteLock(mm, Core.vmaStartWrite(vma, Effect.void))",
  }),
  puzzle("type-read-vma", {
    chapter: "L",
    title: "Read a VMA",
    rules: ["L5", "L6"],
    task: "Look up the VMA at addr and read its fields.",
    lesson:
      "Reading a VMA needs it stable (L6): any one of the mmap lock, its VMA read lock or an rmap lock (L5). find_vma hands out a VMA typed by the lock that keeps it.",
    hints: ["What does findVma require?", "The mmap read lock is enough."],
    kernel: "find_vma under mmap_read_lock",
    start: "const program = Effect.flatMap(Core.findVma(mm, addr), (v) => Core.readVma(v))",
    solution:
      "const program = Core.mmapReadLock(\n  mm,\n  Effect.flatMap(Core.findVma(mm, addr), (v) => Core.readVma(v)),\n)",
  }),
  puzzle("type-trylock", {
    chapter: "L",
    title: "Try, do not wait",
    rules: ["L1", "L4"],
    task: "Zap [addr, end) under the mmap read lock if it is free right now; otherwise do nothing.",
    lesson:
      "mmap_read_trylock takes the lock only if it is free at once (L1): the caller must say what happens when it is not.",
    hints: [
      "The compiler counts the arguments.",
      "What runs when the lock is busy?",
      "Effect.void does nothing.",
    ],
    kernel: "mmap_read_trylock (e.g. in the OOM reaper)",
    start: "const program = Core.mmapReadTrylock(mm, Core.zapRange(vma, addr, end))",
    solution:
      "const program = Core.mmapReadTrylock(mm, Core.zapRange(vma, addr, end), Effect.void)",
  }),
  puzzle("type-killable", {
    chapter: "L",
    title: "A killable wait",
    rules: ["L11", "L1"],
    task: "Take the mmap write lock killably and write-lock vma; the program's type says no error may escape: handle the kill.",
    lesson:
      "A killable wait can end with a fatal signal instead of the lock (L1's killable variants; vma_start_write_killable likewise, L11): the result must be checked, and a killed task did not get the lock.",
    hints: [
      "The error channel must be never.",
      "Which error does the killable scope add?",
      "Effect.catch (or orElseSucceed) handles every error.",
    ],
    kernel: "mmap_write_lock_killable; vma_start_write_killable",
    start:
      'const program: Effect.Effect<void, never, Kernel.Kernel | Core.Requirement.MmapLockTaken<"proc1">> =\n  Core.mmapWriteLockKillable(mm, Core.vmaStartWrite(vma, Effect.void))',
    solution:
      'const program: Effect.Effect<void, never, Kernel.Kernel | Core.Requirement.MmapLockTaken<"proc1">> =\n  Core.mmapWriteLockKillable(mm, Core.vmaStartWrite(vma, Effect.void)).pipe(\n    Effect.orElseSucceed(() => undefined),\n  )',
  }),
  puzzle("type-zap-rmap", {
    chapter: "L",
    title: "Zap through the rmap",
    rules: ["P4", "L4", "L5"],
    task: "Zap [addr, end) of the file VMA, as truncation does: from the file's side, without the mmap lock.",
    lesson:
      "Zapping keeps the tables and needs only stability (P4): the i_mmap lock, an rmap lock (L4), keeps a file VMA stable (L5).",
    hints: ["Which lock does truncation hold?", "The file's i_mmap lock, read mode."],
    kernel: "unmap_mapping_range -> zap_page_range_single",
    start: "const program = Core.zapRange(vma, addr, end)",
    solution: "const program = Core.iMmapLockRead(vma, Core.zapRange(vma, addr, end))",
  }),
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
  puzzle("type-vm-start", {
    chapter: "F",
    title: "Move vm_start",
    rules: ["F1", "L7"],
    task: "Set vm_start of vma.",
    lesson:
      "vm_start positions the VMA in the rmap interval trees: the rmap write lock too (F1), on top of the mmap and VMA write locks every other field needs (L7).",
    hints: ["Which clause does the error still name?", "An rmap lock in write mode."],
    kernel: "vma_expand / vma_shrink (mm/vma.c)",
    start:
      'const program = Core.mmapWriteLock(\n  mm,\n  Core.vmaStartWrite(vma, Core.writeVma(vma, "vm_start", 0n)),\n)',
    solution:
      'const program = Core.mmapWriteLock(\n  mm,\n  Core.vmaStartWrite(vma, Core.anonVmaLockWrite(vma, Core.writeVma(vma, "vm_start", 0n))),\n)',
  }),
  puzzle("type-vm-file", {
    chapter: "F",
    title: "vm_file is written once",
    rules: ["F2"],
    task: "Set vm_file of the VMA being set up.",
    lesson:
      "vm_mm, vm_file and vm_ops are set while the VMA is set up, before anyone can see it (F2).",
    hints: ["No lock permits a later write.", "Only vmaSetup provides VmaSetupOnly."],
    kernel: "mmap_region -> call_mmap (vm_ops set by the file's mmap hook)",
    start:
      'const program = Core.mmapWriteLock(\n  mm,\n  Core.vmaStartWrite(vma, Core.iMmapLockWrite(vma, Core.writeVma(vma, "vm_file", "f"))),\n)',
    solution: 'const program = Core.vmaSetup(mm, Core.writeVma(vma, "vm_file", "f"))',
  }),
  puzzle("type-vm-flags", {
    chapter: "F",
    title: "Change the flags",
    rules: ["F3", "L8"],
    task: "Set vm_flags of vma to read-only.",
    lesson:
      "vm_flags and vm_page_prot: mmap write + VMA write (F3). Under the read lock the VMA is stable but not writable (L8's table).",
    hints: ["Two clauses are missing.", "mmapWriteLock, then vmaStartWrite."],
    kernel: "mprotect_fixup -> vm_flags_reset",
    start: 'const program = Core.mmapReadLock(mm, Core.writeVma(vma, "vm_flags", ["read"]))',
    solution:
      'const program = Core.mmapWriteLock(\n  mm,\n  Core.vmaStartWrite(vma, Core.writeVma(vma, "vm_flags", ["read"])),\n)',
  }),
  puzzle("type-private-data", {
    chapter: "F",
    title: "The driver's own field",
    rules: ["F4"],
    task: "A driver stores its cookie in the VMA: write the field meant for it (no mm lock is needed for it).",
    lesson:
      "vm_private_data belongs to the driver that owns the mapping: the mm rules say nothing about it (F4). Every other field has locks.",
    hints: ["vm_pgoff is not the driver's.", "vm_private_data."],
    kernel: "a driver's mmap hook or fault handler (vma->vm_private_data)",
    start: 'const program = Core.writeVma(vma, "vm_pgoff", 1)',
    solution: 'const program = Core.writeVma(vma, "vm_private_data", 1)',
  }),
  puzzle("type-anon-name", {
    chapter: "F",
    title: "Name an anonymous mapping",
    rules: ["F5"],
    task: "Set anon_name of vma (prctl PR_SET_VMA_ANON_NAME).",
    lesson:
      "anon_name, vm_policy and the userfaultfd context are written under mmap write + VMA write (F5).",
    hints: ["The read lock is not enough.", "Like vm_flags."],
    kernel: "prctl_set_vma -> madvise_update_vma",
    start: 'const program = Core.mmapReadLock(mm, Core.writeVma(vma, "anon_name", "heap"))',
    solution:
      'const program = Core.mmapWriteLock(\n  mm,\n  Core.vmaStartWrite(vma, Core.writeVma(vma, "anon_name", "heap")),\n)',
  }),
  puzzle("type-shared-rb", {
    chapter: "F",
    title: "The node in i_mmap",
    rules: ["F7"],
    task: "Update the file VMA's node in i_mmap (shared_rb).",
    lesson:
      "The VMA's node in the file's i_mmap tree changes under mmap write + VMA write + i_mmap write (F7).",
    hints: ["Which tree is the node in?", "i_mmap, write mode."],
    kernel: "vma_interval_tree_insert / remove under i_mmap_lock_write",
    start:
      'const program = Core.mmapWriteLock(\n  mm,\n  Core.vmaStartWrite(vma, Core.writeVma(vma, "shared_rb", 1)),\n)',
    solution:
      'const program = Core.mmapWriteLock(\n  mm,\n  Core.vmaStartWrite(vma, Core.iMmapLockWrite(vma, Core.writeVma(vma, "shared_rb", 1))),\n)',
  }),
  puzzle("type-anon-vma-chain", {
    chapter: "F",
    title: "Link an anon_vma_chain",
    rules: ["F8"],
    task: "Add to vma's anon_vma_chain, as anon_vma_prepare does.",
    lesson: "anon_vma_chain changes under the mmap read lock and the anon_vma write lock (F8).",
    hints: ["The error names one more lock.", "anonVmaLockWrite."],
    kernel: "anon_vma_chain_link (mm/rmap.c)",
    start: 'const program = Core.mmapReadLock(mm, Core.writeVma(vma, "anon_vma_chain", 1))',
    solution:
      'const program = Core.mmapReadLock(\n  mm,\n  Core.anonVmaLockWrite(vma, Core.writeVma(vma, "anon_vma_chain", 1)),\n)',
  }),
  puzzle("type-set-anon-vma", {
    chapter: "F",
    title: "First fault sets anon_vma",
    rules: ["F9", "P9"],
    task: "Set vma's anon_vma on its first fault.",
    lesson:
      "anon_vma goes from NULL to set under the mmap read lock and mm->page_table_lock (F9), the mm-wide spinlock that also guards the upper page-table levels (P9).",
    hints: ["Which spinlock of the mm?", "mmPageTableLock."],
    kernel: "__anon_vma_prepare",
    start: "const program = Core.mmapReadLock(mm, Core.setAnonVma(vma))",
    solution:
      "const program = Core.mmapReadLock(mm, Core.mmPageTableLock(mm, Core.setAnonVma(vma)))",
  }),
  puzzle("type-clear-anon-vma", {
    chapter: "F",
    title: "Clear anon_vma",
    rules: ["F9"],
    task: "Set vma's anon_vma back to NULL.",
    lesson: "Clearing anon_vma needs mmap write + VMA write + anon_vma write (F9).",
    hints: ["One rmap lock is missing.", "anonVmaLockWrite."],
    kernel: "unlink_anon_vmas",
    start:
      "const program = Core.mmapWriteLock(mm, Core.vmaStartWrite(vma, Core.clearAnonVma(vma)))",
    solution:
      "const program = Core.mmapWriteLock(\n  mm,\n  Core.vmaStartWrite(vma, Core.anonVmaLockWrite(vma, Core.clearAnonVma(vma))),\n)",
  }),
  puzzle("type-detach", {
    chapter: "L",
    title: "Detach a VMA",
    rules: ["L7", "V7"],
    task: "Detach vma from the mm's tree, as munmap does.",
    lesson:
      "Detaching needs the mmap write lock and the VMA write lock (L7): vma_start_write waits for the VMA's readers, so none is left using it (V7).",
    hints: ["Readers of this VMA must be gone first.", "vmaStartWrite."],
    kernel: "vms_gather_munmap_vmas -> vma_start_write, vma_mark_detached",
    start: "const program = Core.mmapWriteLock(mm, Core.detachVma(vma))",
    solution:
      "const program = Core.mmapWriteLock(mm, Core.vmaStartWrite(vma, Core.detachVma(vma)))",
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
