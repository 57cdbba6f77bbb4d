/**
 * Type puzzles: a snippet written against @mmguard/core with one line to choose. The real
 * TypeScript compiler judges each choice and its diagnostics are shown as they are.
 */
import type { Chapter, TypePuzzle } from "../engine/Puzzle.js"

const snippet = `import { Effect } from "effect"
import * as Core from "@mmguard/core"
import { Kernel, Mm } from "@mmguard/core"

const mm = Mm.make("proc1")
declare const kernel: Kernel.KernelShape
declare const vma: Core.Vma.Vma<"proc1">
declare const anonVma: Core.AnonVma
const mapping = Core.addressSpace("libc.so")
declare const addr: Core.Address.PageAddr // built with Core.Address.pageAddr, which validates
declare const end: Core.Address.PageAddr
declare const far: Core.Address.PageAddr
declare const pfn: Core.Address.Pfn

const program =
  // EDIT

export const run = () => Effect.runPromise(program.pipe(Effect.provide(Kernel.layer(kernel))))
`

const puzzle = (
  id: string,
  chapter: Chapter,
  title: string,
  rules: ReadonlyArray<string>,
  lesson: string,
  hints: ReadonlyArray<string>,
  edits: ReadonlyArray<string>,
): TypePuzzle => ({ kind: "type", id, chapter, title, rules, lesson, hints, snippet, edits })

/** Every type puzzle. */
export const types: ReadonlyArray<TypePuzzle> = [
  puzzle(
    "type-install",
    "L",
    "Make the install compile",
    ["P3", "P8"],
    "The compiler keeps the missing locks in the program's requirements until a scope provides them.",
    ["Read the LockRequired names in the error.", "An rmap lock never satisfies MmapOrVmaLock."],
    [
      "Core.pteOffsetMapLock(vma, addr, (pte) => Core.installPte(pte, addr, pfn))",
      "Core.anonVmaLockWrite(anonVma, () => Core.pteOffsetMapLock(vma, addr, (pte) => Core.installPte(pte, addr, pfn)))",
      "Core.mmapReadLock(mm, () => Core.pteOffsetMapLock(vma, addr, (pte) => Core.installPte(pte, addr, pfn)))",
    ],
  ),
  puzzle(
    "type-vma-start-write",
    "L",
    "vma_start_write needs what?",
    ["L3"],
    "vma_start_write is only legal under the mmap write lock (L3).",
    ["Read lock or write lock?"],
    [
      "Core.mmapReadLock(mm, () => Core.vmaStartWrite(vma, Effect.void))",
      "Core.mmapWriteLock(mm, () => Core.vmaStartWrite(vma, Effect.void))",
    ],
  ),
  puzzle(
    "type-vm-start",
    "F",
    "Move vm_start",
    ["F1"],
    "vm_start positions the VMA in the rmap interval trees: the rmap write locks of its kind too (F1). take_rmap_locks takes them.",
    [
      "Which clause does the error still name?",
      "A VMA of unknown kind may sit in i_mmap and an anon_vma.",
    ],
    [
      'Core.mmapWriteLock(mm, () => Core.vmaStartWrite(vma, Core.writeVma(vma, "vm_start", 0n)))',
      'Core.mmapWriteLock(mm, () => Core.vmaStartWrite(vma, Core.takeRmapLocks(vma, Core.writeVma(vma, "vm_start", 0n))))',
    ],
  ),
  puzzle(
    "type-vm-file",
    "F",
    "vm_file is written once",
    ["F2"],
    "vm_mm, vm_file and vm_ops are set while the VMA is set up, before anyone can see it (F2).",
    ["No lock permits a later write.", "Only vmaSetup provides VmaSetupOnly."],
    [
      'Core.mmapWriteLock(mm, () => Core.vmaStartWrite(vma, Core.iMmapLockWrite(mapping, () => Core.writeVma(vma, "vm_file", "f"))))',
      'Core.vmaSetup(mm, Core.writeVma(vma, "vm_file", "f"))',
    ],
  ),
  puzzle(
    "type-free-pgtables",
    "P",
    "Free the page tables",
    ["P7"],
    "free_pgtables requires the mmap write lock (P7).",
    ["Read is not enough."],
    [
      "Core.mmapReadLock(mm, (lock) => Core.freePgtables(lock, addr, end))",
      "Core.mmapWriteLock(mm, (lock) => Core.freePgtables(lock, addr, end))",
    ],
  ),
  puzzle(
    "type-change-pte",
    "P",
    "Clear an accessed bit",
    ["P5", "P8"],
    "Any entry change holds the lock of its table (P8): the entry is changed through the table pte_offset_map_lock locked.",
    ["pte_offset_map_lock hands its body the locked table."],
    [
      "Core.mmapReadLock(mm, () => Core.changeAccessDirty(vma, addr, { accessed: false }))",
      "Core.mmapReadLock(mm, () => Core.pteOffsetMapLock(vma, addr, (pte) => Core.changeAccessDirty(pte, addr, { accessed: false })))",
    ],
  ),
  puzzle(
    "type-move",
    "P",
    "Move page tables",
    ["P14"],
    "move_page_tables needs the mmap, VMA and rmap write locks of the VMA's kind (P14): i_mmap alone does not cover an anonymous VMA.",
    ["Which lock does the error still name?", "take_rmap_locks takes what the VMA's kind needs."],
    [
      "Core.mmapWriteLock(mm, () => Core.vmaStartWrite(vma, Core.iMmapLockWrite(mapping, () => Core.movePageTables(vma, addr, end, far))))",
      "Core.mmapWriteLock(mm, () => Core.vmaStartWrite(vma, Core.takeRmapLocks(vma, Core.movePageTables(vma, addr, end, far))))",
    ],
  ),
  puzzle(
    "type-fallback",
    "V",
    "lock_vma_under_rcu can fail",
    ["L2", "V3"],
    "The VMA read lock is optimistic: a writer or contention makes it fail, and the caller falls back (L2, V3).",
    ["The compiler asks for a property."],
    [
      "Core.lockVmaUnderRcu(mm, addr, { onLocked: (v) => Core.zapRange(v, addr, end) })",
      "Core.lockVmaUnderRcu(mm, addr, { onLocked: (v) => Core.zapRange(v, addr, end), onFallback: () => Core.mmapReadLock(mm, () => Core.zapRange(vma, addr, end)) })",
    ],
  ),
  puzzle(
    "type-l9",
    "V",
    "No mmap lock under a VMA read lock",
    ["L9"],
    "A writer holding mmap write may wait in vma_start_write for our VMA read lock: taking the mmap lock now would deadlock (L9).",
    ["Keep the mmap lock out of onLocked."],
    [
      "Core.lockVmaUnderRcu(mm, addr, { onLocked: (v) => Core.mmapReadLock(mm, () => Core.zapRange(v, addr, end)), onFallback: () => Effect.void })",
      "Core.lockVmaUnderRcu(mm, addr, { onLocked: (v) => Core.zapRange(v, addr, end), onFallback: () => Effect.void })",
    ],
  ),
  puzzle(
    "type-l10",
    "O",
    "One mmap lock is enough",
    ["L10"],
    "rwsems are not recursive: taking the mmap lock again inside its own scope deadlocks the task against itself (L10).",
    ["Which scope already holds the lock?"],
    [
      "Core.mmapReadLock(mm, () => Core.mmapReadLock(mm, () => Core.zapRange(vma, addr, end)))",
      "Core.mmapReadLock(mm, () => Core.zapRange(vma, addr, end))",
    ],
  ),
  puzzle(
    "type-order",
    "O",
    "i_mmap before anon_vma",
    ["O1", "O2", "O3"],
    "i_mmap_rwsem is taken before anon_vma->rwsem (mm/rmap.c, mm/filemap.c): the other nesting is an inversion that can deadlock (O3).",
    ["Read which class the error says comes first."],
    [
      "Core.anonVmaLockWrite(anonVma, () => Core.iMmapLockWrite(mapping, () => Core.zapRange(vma, addr, end)))",
      "Core.iMmapLockWrite(mapping, () => Core.anonVmaLockWrite(anonVma, () => Core.zapRange(vma, addr, end)))",
    ],
  ),
]
