/**
 * Type puzzles: a program written against @mmguard/core that does not compile. The player edits
 * it (in the game's editor, or in their own editor in the workshop) until the real TypeScript
 * compiler accepts it; the errors name the locks that are missing or the rule that is broken.
 */
import type { TypePuzzle } from "../engine/Puzzle.js"
import { puzzle } from "./typeFile.js"
import { pathTypes } from "./typesPaths.js"

/** The type puzzles of the lock, VMA-field and lock-ordering chapters. */
const lockAndFieldTypes: ReadonlyArray<TypePuzzle> = [
  puzzle("type-install", {
    chapter: "L",
    title: "Install a page",
    rules: ["P3", "P8"],
    task: "Map pfn at addr in vma.",
    lesson:
      "The compiler keeps each missing lock in the program's requirements until a scope provides it: installing needs the mmap or VMA lock (P3) and the PTE lock (P8), and an entry is changed only through the table pte_offset_map_lock locked.",
    hints: [
      "Read the first error: the property installPte misses names a lock and the call that takes it.",
      "pteOffsetMapLock(vma, addr, (pte) => ...) hands its body the locked table: install through it.",
      "The next error names a LockRequired: which scope provides it? (an rmap lock never does)",
      "Wrap it all in Core.mmapReadLock(mm, () => ...).",
    ],
    kernel: "do_anonymous_page -> set_pte_at under pte_offset_map_lock",
    start: "const program = Core.installPte(vma, addr, pfn)",
    solution:
      "const program = Core.mmapReadLock(mm, () =>\n  Core.pteOffsetMapLock(vma, addr, (pte) => Core.installPte(pte, addr, pfn)),\n)",
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
    start: "const program = Core.mmapReadLock(mm, () => Core.vmaStartWrite(vma, Effect.void))",
    solution: "const program = Core.mmapWriteLock(mm, () => Core.vmaStartWrite(vma, Effect.void))",
  }),
  puzzle("type-read-vma", {
    chapter: "L",
    title: "Read a VMA",
    rules: ["L5", "L6"],
    task: "Look up the VMA at addr and read its fields.",
    lesson:
      "Reading a VMA needs it stable (L6): any one of the mmap lock, its VMA read lock or an rmap lock (L5). find_vma hands out a VMA that is valid only inside the scope of the lock that keeps it: once the lock is dropped, the VMA may be freed.",
    hints: [
      "The error names L5: where does the VMA leave its scope?",
      "Read the VMA inside the body of mmapReadLock.",
    ],
    kernel: "find_vma under mmap_read_lock",
    start:
      "const program = Effect.flatMap(\n  Core.mmapReadLock(mm, (lock) => Core.findVma(lock, addr)),\n  (v) => Core.readVma(v),\n)",
    solution:
      "const program = Core.mmapReadLock(mm, (lock) =>\n  Effect.flatMap(Core.findVma(lock, addr), (v) => Core.readVma(v)),\n)",
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
    start: "const program = Core.mmapReadTrylock(mm, () => Core.zapRange(vma, addr, end))",
    solution:
      "const program = Core.mmapReadTrylock(mm, () => Core.zapRange(vma, addr, end), Effect.void)",
  }),
  puzzle("type-killable", {
    chapter: "L",
    title: "A killable wait",
    rules: ["L11", "L1"],
    task: "Under mmap_write_lock_killable, write-lock vma with vma_start_write_killable and set its vm_flags; a kill while waiting must be handled before the mmap lock is released.",
    lesson:
      "A killable wait can end with a fatal signal instead of the lock (L1's killable variants). vma_start_write_killable returns -EINTR then (L11): the caller must check it, give up the VMA write and unwind; the kill of mmap_write_lock_killable itself goes back to the caller as -EINTR.",
    hints: [
      "The error names L11: which call can fail with -EINTR?",
      "Its error is tagged VmaStartWriteInterrupted.",
      'Effect.catchTag("VmaStartWriteInterrupted", () => Effect.void) inside the mmap scope.',
    ],
    kernel: "mmap_write_lock_killable; vma_start_write_killable (e.g. in mprotect and madvise)",
    start:
      'const program = Core.mmapWriteLockKillable(mm, () =>\n  Core.vmaStartWriteKillable(vma, Core.writeVma(vma, "vm_flags", ["read"])),\n)',
    solution:
      'const program = Core.mmapWriteLockKillable(mm, () =>\n  Core.vmaStartWriteKillable(vma, Core.writeVma(vma, "vm_flags", ["read"])).pipe(\n    Effect.catchTag("VmaStartWriteInterrupted", () => Effect.void),\n  ),\n)',
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
    solution: "const program = Core.iMmapLockRead(mapping, () => Core.zapRange(vma, addr, end))",
  }),
  puzzle("type-vm-start", {
    chapter: "F",
    title: "Move vm_start",
    rules: ["F1", "L7"],
    task: "Set vm_start of vma.",
    lesson:
      "vm_start positions the VMA in the rmap interval trees: the rmap write locks of its kind too (F1), on top of the mmap and VMA write locks every other field needs (L7). take_rmap_locks takes them.",
    hints: [
      "Which clause does the error still name?",
      "A VMA of unknown kind may sit in i_mmap and in an anon_vma: takeRmapLocks.",
    ],
    kernel: "vma_expand / vma_shrink (mm/vma.c)",
    start:
      'const program = Core.mmapWriteLock(mm, () =>\n  Core.vmaStartWrite(vma, Core.writeVma(vma, "vm_start", 0n)),\n)',
    solution:
      'const program = Core.mmapWriteLock(mm, () =>\n  Core.vmaStartWrite(vma, Core.takeRmapLocks(vma, Core.writeVma(vma, "vm_start", 0n))),\n)',
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
      'const program = Core.mmapWriteLock(mm, () =>\n  Core.vmaStartWrite(\n    vma,\n    Core.iMmapLockWrite(mapping, () => Core.writeVma(vma, "vm_file", "f")),\n  ),\n)',
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
    start: 'const program = Core.mmapReadLock(mm, () => Core.writeVma(vma, "vm_flags", ["read"]))',
    solution:
      'const program = Core.mmapWriteLock(mm, () =>\n  Core.vmaStartWrite(vma, Core.writeVma(vma, "vm_flags", ["read"])),\n)',
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
    start: 'const program = Core.mmapReadLock(mm, () => Core.writeVma(vma, "anon_name", "heap"))',
    solution:
      'const program = Core.mmapWriteLock(mm, () =>\n  Core.vmaStartWrite(vma, Core.writeVma(vma, "anon_name", "heap")),\n)',
  }),
  puzzle("type-swap-readahead", {
    chapter: "F",
    title: "The readahead window",
    rules: ["F6"],
    task: "Store the new readahead window (3n) in vma's swap_readahead_info, as swap-in does under the mmap read lock.",
    lesson:
      "swap_readahead_info is an atomic_long_t: the mmap read lock plus the atomic access itself, atomic_long_set, is what F6 asks for. No scope takes its swap-specific lock, so a plain writeVma of it never compiles.",
    hints: [
      "The error names a lock that no scope of core takes.",
      "How does the kernel declare swap_readahead_info?",
      "Core.atomicLongSet(vma, field, value).",
    ],
    kernel: "swap_vma_ra_win (mm/swap_state.c)",
    start:
      'const program = Core.mmapReadLock(mm, () => Core.writeVma(vma, "swap_readahead_info", 3n))',
    solution:
      'const program = Core.mmapReadLock(mm, () =>\n  Core.atomicLongSet(vma, "swap_readahead_info", 3n),\n)',
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
      'const program = Core.mmapWriteLock(mm, () =>\n  Core.vmaStartWrite(vma, Core.writeVma(vma, "shared_rb", 1)),\n)',
    solution:
      'const program = Core.mmapWriteLock(mm, () =>\n  Core.vmaStartWrite(\n    vma,\n    Core.iMmapLockWrite(mapping, () => Core.writeVma(vma, "shared_rb", 1)),\n  ),\n)',
  }),
  puzzle("type-anon-vma-chain", {
    chapter: "F",
    title: "Link an anon_vma_chain",
    rules: ["F8"],
    task: "Add to vma's anon_vma_chain, as anon_vma_prepare does.",
    lesson: "anon_vma_chain changes under the mmap read lock and the anon_vma write lock (F8).",
    hints: ["The error names one more lock.", "anonVmaLockWrite."],
    kernel: "anon_vma_chain_link (mm/rmap.c)",
    start: 'const program = Core.mmapReadLock(mm, () => Core.writeVma(vma, "anon_vma_chain", 1))',
    solution:
      'const program = Core.mmapReadLock(mm, () =>\n  Core.anonVmaLockWrite(anonVma, () => Core.writeVma(vma, "anon_vma_chain", 1)),\n)',
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
    start: "const program = Core.mmapReadLock(mm, () => Core.setAnonVma(vma))",
    solution:
      "const program = Core.mmapReadLock(mm, () => Core.mmPageTableLock(mm, Core.setAnonVma(vma)))",
  }),
  puzzle("type-clear-anon-vma", {
    chapter: "F",
    title: "Clear anon_vma",
    rules: ["F9"],
    task: "Set the anonymous VMA stack's anon_vma back to NULL.",
    lesson: "Clearing anon_vma needs mmap write + VMA write + anon_vma write (F9).",
    hints: ["One rmap lock is missing.", "anonVmaLockWrite."],
    kernel: "unlink_anon_vmas",
    start:
      "const program = Core.mmapWriteLock(mm, () =>\n  Core.vmaStartWrite(stack, Core.clearAnonVma(stack)),\n)",
    solution:
      "const program = Core.mmapWriteLock(mm, () =>\n  Core.vmaStartWrite(stack, Core.anonVmaLockWrite(anonVma, () => Core.clearAnonVma(stack))),\n)",
  }),
  puzzle("type-detach", {
    chapter: "L",
    title: "Detach a VMA",
    rules: ["L7", "V7"],
    task: "Find the VMA at addr and detach it from the mm's tree, as munmap does.",
    lesson:
      "Detaching needs the mmap write lock and the VMA write lock (L7): vma_start_write waits for the VMA's readers, so none is left using it (V7).",
    hints: ["Readers of this VMA must be gone first.", "vmaStartWrite."],
    kernel: "vms_gather_munmap_vmas -> vma_start_write, vma_mark_detached",
    start:
      "const program = Core.mmapWriteLock(mm, (lock) =>\n  Effect.flatMap(Core.findVma(lock, addr), (v) => Effect.asVoid(Core.detachVma(v))),\n)",
    solution:
      "const program = Core.mmapWriteLock(mm, (lock) =>\n  Effect.flatMap(Core.findVma(lock, addr), (v) =>\n    Core.vmaStartWrite(v, Effect.asVoid(Core.detachVma(v))),\n  ),\n)",
  }),
  puzzle("type-l10", {
    chapter: "O",
    title: "One mmap lock is enough",
    rules: ["L10"],
    task: "Zap [addr, end) under the mmap read lock: the helper the body calls takes the lock again.",
    lesson:
      "rwsems are not recursive: taking the mmap lock again inside its own scope deadlocks the task against itself as soon as a writer queues between the two (L10). Another mm's lock may nest (dup_mmap).",
    hints: ["Which scope already holds the lock?", "Drop the inner mmapReadLock."],
    kernel: "mmap_read_lock (include/linux/mmap_lock.h); lockdep reports the recursion",
    start:
      "const program = Core.mmapReadLock(mm, () =>\n  Core.mmapReadLock(mm, () => Core.zapRange(vma, addr, end)),\n)",
    solution: "const program = Core.mmapReadLock(mm, () => Core.zapRange(vma, addr, end))",
  }),
  puzzle("type-order", {
    chapter: "O",
    title: "i_mmap before anon_vma",
    rules: ["O1", "O2", "O3"],
    task: "Zap [addr, end) holding both rmap locks in write mode: the file's i_mmap lock and the anon_vma lock.",
    lesson:
      "i_mmap_rwsem is taken before anon_vma->rwsem (O1, O2): the other nesting is a lock inversion that can deadlock against a task taking them in the kernel's order (O3).",
    hints: ["Read which class the error says comes first.", "Swap the two scopes."],
    kernel: "take_rmap_locks (mm/mremap.c); the order comment atop mm/rmap.c",
    start:
      "const program = Core.anonVmaLockWrite(anonVma, () =>\n  Core.iMmapLockWrite(mapping, () => Core.zapRange(vma, addr, end)),\n)",
    solution:
      "const program = Core.iMmapLockWrite(mapping, () =>\n  Core.anonVmaLockWrite(anonVma, () => Core.zapRange(vma, addr, end)),\n)",
  }),
]

/** Every type puzzle. */
export const types: ReadonlyArray<TypePuzzle> = [...lockAndFieldTypes, ...pathTypes]
