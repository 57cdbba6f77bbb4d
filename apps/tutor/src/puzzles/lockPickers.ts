/**
 * Lock-picker puzzles: a task, a palette of kernel calls, and a goal. The judge is sim's world
 * and checker; these files hold only the task, the palette and the lessons.
 */
import { Arch, type Program, Scenarios } from "@mmguard/sim"
import type { LockPicker } from "../engine/Puzzle.js"

const world = { mms: Scenarios.layout }
const ANON = 600
const FILE = 2100
const STACK = 8300

const lock = (l: Program.LockTarget, mode?: "read" | "write"): Program.Step =>
  ({ op: "lock", ...l, ...(mode ? { mode } : {}) }) as Program.Step
const unlock = (l: Program.LockTarget, mode?: "read" | "write"): Program.Step =>
  ({ op: "unlock", ...l, ...(mode ? { mode } : {}) }) as Program.Step
const act = (action: Program.Step & { op: "do" }): Program.Step => action
const mmap = { lock: "mmap" } as const
const pte = (addr: number) => ({ lock: "pte", addr }) as const

/** Every lock-picker puzzle, by chapter. */
export const lockPickers: ReadonlyArray<LockPicker> = [
  {
    kind: "lockPicker",
    id: "fault-light",
    chapter: "L",
    title: "A page fault, as light as possible",
    rules: ["L2", "P3", "P8"],
    lesson:
      "Installing a PTE needs the mmap lock or the VMA lock (P3) and the PTE table's lock (P8). The VMA read lock from lock_vma_under_rcu is the lightest of them.",
    hints: [
      "The mmap lock works, but it is not the lightest lock here.",
      "lock_vma_under_rcu takes only this VMA's read lock; vma_end_read drops it.",
      "Inside, take the PTE lock around the install.",
    ],
    task: `Handle a page fault at page ${ANON}: install its PTE.`,
    world,
    goal: [act({ op: "do", action: "installPte", addr: ANON })],
    palette: [
      lock(mmap, "write"),
      lock(mmap, "read"),
      { op: "lockVmaUnderRcu", addr: ANON, onFail: "end" },
      lock(pte(ANON)),
      act({ op: "do", action: "installPte", addr: ANON }),
      unlock(pte(ANON)),
      { op: "vmaEndRead", addr: ANON },
      unlock(mmap, "read"),
      unlock(mmap, "write"),
    ],
    addr: ANON,
  },
  {
    kind: "lockPicker",
    id: "read-vma",
    chapter: "L",
    title: "Look at a VMA",
    rules: ["L5", "L6"],
    lesson:
      "Reading VMA fields needs any lock that keeps the VMA stable: mmap, VMA or rmap (L5, L6).",
    hints: [
      "Find the VMA first: find_vma needs a stabilising lock too.",
      "mmap_read_lock is enough.",
    ],
    task: `Find the VMA at page ${ANON} and read its fields.`,
    world,
    goal: [act({ op: "do", action: "readVma", addr: ANON })],
    palette: [
      lock(mmap, "write"),
      lock(mmap, "read"),
      { op: "findVma", addr: ANON, onFail: "end" },
      act({ op: "do", action: "readVma", addr: ANON }),
      unlock(mmap, "read"),
      unlock(mmap, "write"),
    ],
    addr: ANON,
  },
  {
    kind: "lockPicker",
    id: "mprotect",
    chapter: "F",
    title: "mprotect a VMA",
    rules: ["F3", "L3"],
    lesson:
      "vm_flags and vm_page_prot change under the mmap write lock plus the VMA write lock (F3).",
    hints: ["vma_start_write needs the mmap write lock first (L3).", "There is no vma_end_write."],
    task: `Make the VMA at page ${ANON} read-only (write vm_flags).`,
    world,
    goal: [{ op: "writeVma", addr: ANON, field: "vm_flags", value: ["read"] }],
    palette: [
      lock(mmap, "read"),
      lock(mmap, "write"),
      { op: "vmaStartWrite", addr: ANON },
      { op: "writeVma", addr: ANON, field: "vm_flags", value: ["read"] },
      unlock(mmap, "read"),
      unlock(mmap, "write"),
    ],
    addr: ANON,
  },
  {
    kind: "lockPicker",
    id: "grow-stack",
    chapter: "F",
    title: "Grow the stack down",
    rules: ["F1", "V6"],
    lesson:
      "vm_start places the VMA in the rmap trees: besides mmap write and VMA write, the rmap write lock is needed (F1).",
    hints: [
      "Which rmap does an anonymous stack VMA live in?",
      "anon_vma_lock_write, then write vm_start.",
    ],
    task: `Move the stack VMA's vm_start down to page 8000.`,
    world,
    goal: [{ op: "writeVma", addr: STACK, field: "vm_start", value: 8000 }],
    palette: [
      lock(mmap, "write"),
      { op: "vmaStartWrite", addr: STACK },
      lock({ lock: "anonVma", addr: STACK }, "write"),
      { op: "writeVma", addr: STACK, field: "vm_start", value: 8000 },
      unlock({ lock: "anonVma", addr: STACK }, "write"),
      unlock(mmap, "write"),
    ],
    addr: STACK,
  },
  {
    kind: "lockPicker",
    id: "anon-vma-prepare",
    chapter: "F",
    title: "First fault: give the VMA an anon_vma",
    rules: ["F9"],
    lesson:
      "Setting anon_vma from NULL needs only the mmap read lock plus mm->page_table_lock (F9).",
    hints: [
      "Not the mmap write lock: read is enough here.",
      "mm->page_table_lock guards the store.",
    ],
    task: `Set the anon_vma of the file VMA at page ${FILE}.`,
    world,
    goal: [act({ op: "do", action: "setAnonVma", addr: FILE })],
    palette: [
      lock(mmap, "write"),
      lock(mmap, "read"),
      lock({ lock: "pageTableLock" }),
      act({ op: "do", action: "setAnonVma", addr: FILE }),
      unlock({ lock: "pageTableLock" }),
      unlock(mmap, "read"),
      unlock(mmap, "write"),
    ],
    addr: FILE,
  },
  {
    kind: "lockPicker",
    id: "truncate",
    chapter: "P",
    title: "Truncate a file",
    rules: ["P4"],
    lesson:
      "Zapping keeps the tables and only needs the VMA stable: the i_mmap lock in read mode will do (P4).",
    hints: [
      "Truncation reaches VMAs through the file's rmap.",
      "i_mmap_lock_read is enough to zap.",
    ],
    task: "Zap the pages of libfoo mapped at [2048, 2560).",
    world,
    goal: [act({ op: "do", action: "zapRange", addr: 2048, end: 2560 })],
    palette: [
      lock(mmap, "write"),
      lock({ lock: "iMmap", file: "libfoo" }, "write"),
      lock({ lock: "iMmap", file: "libfoo" }, "read"),
      act({ op: "do", action: "zapRange", addr: 2048, end: 2560 }),
      unlock({ lock: "iMmap", file: "libfoo" }, "read"),
      unlock({ lock: "iMmap", file: "libfoo" }, "write"),
      unlock(mmap, "write"),
    ],
    addr: 2048,
  },
  {
    kind: "lockPicker",
    id: "reclaim",
    chapter: "P",
    title: "Age a page for reclaim",
    rules: ["P5", "P8"],
    lesson:
      "Clearing the accessed bit is a change of an entry, not of its identity: the rmap lock suffices (P5), plus the PTE lock (P8).",
    hints: [
      "Reclaim finds the page through anon_vma.",
      "Every entry change holds its table's lock.",
    ],
    task: "Clear the accessed bit of page 512 through the rmap.",
    world,
    goal: [act({ op: "do", action: "changeAccessDirty", addr: 512 })],
    palette: [
      lock(mmap, "write"),
      lock({ lock: "anonVma", addr: 512 }, "read"),
      lock(pte(512)),
      act({ op: "do", action: "changeAccessDirty", addr: 512 }),
      unlock(pte(512)),
      unlock({ lock: "anonVma", addr: 512 }, "read"),
      unlock(mmap, "write"),
    ],
    addr: 512,
  },
  {
    kind: "lockPicker",
    id: "munmap",
    chapter: "P",
    title: "munmap the anonymous VMA",
    rules: ["L3", "P4", "P7"],
    lesson:
      "free_pgtables needs the mmap write lock and a zapped range that nobody can reach (P7).",
    hints: ["Write-lock the VMA before detaching it.", "Zap before free_pgtables."],
    task: "Unmap [512, 1024): detach the VMA, zap it and free its page tables.",
    world,
    goal: [
      act({ op: "do", action: "detachVma", addr: ANON }),
      act({ op: "do", action: "freePgtables", addr: 512, end: 1024 }),
    ],
    palette: [
      lock(mmap, "read"),
      lock(mmap, "write"),
      { op: "vmaStartWrite", addr: ANON },
      act({ op: "do", action: "detachVma", addr: ANON }),
      act({ op: "do", action: "zapRange", addr: 512, end: 1024 }),
      act({ op: "do", action: "freePgtables", addr: 512, end: 1024 }),
      unlock(mmap, "read"),
      unlock(mmap, "write"),
    ],
    addr: 512,
  },
  {
    kind: "lockPicker",
    id: "order",
    chapter: "O",
    title: "Two locks, one order",
    rules: ["O1", "O3"],
    lesson:
      "mm/rmap.c lists the order: mmap_lock before i_mmap_rwsem. The other order can deadlock (O3).",
    hints: ["Which of the two is the outer lock in O1?"],
    task: "Take the mmap read lock and the i_mmap read lock, zap libfoo's pages, release both.",
    world,
    goal: [
      lock(mmap, "read"),
      lock({ lock: "iMmap", file: "libfoo" }, "read"),
      act({ op: "do", action: "zapRange", addr: 2048, end: 2560 }),
    ],
    palette: [
      lock({ lock: "iMmap", file: "libfoo" }, "read"),
      lock(mmap, "read"),
      act({ op: "do", action: "zapRange", addr: 2048, end: 2560 }),
      unlock(mmap, "read"),
      unlock({ lock: "iMmap", file: "libfoo" }, "read"),
    ],
    addr: 2048,
  },
  {
    kind: "lockPicker",
    id: "downgrade",
    chapter: "V",
    title: "Write, then downgrade",
    rules: ["V2", "V5"],
    lesson:
      "mmap_write_downgrade keeps the address space locked for reading but ends every VMA write lock (V2, V5).",
    hints: ["After the downgrade, unlock in read mode.", "The VMA write lock has ended by itself."],
    task: `Write vm_flags of the VMA at ${ANON}, downgrade, then read it back.`,
    world,
    goal: [
      { op: "writeVma", addr: ANON, field: "vm_flags", value: ["read"] },
      { op: "mmapWriteDowngrade" },
      act({ op: "do", action: "readVma", addr: ANON }),
    ],
    palette: [
      lock(mmap, "write"),
      { op: "vmaStartWrite", addr: ANON },
      { op: "writeVma", addr: ANON, field: "vm_flags", value: ["read"] },
      { op: "mmapWriteDowngrade" },
      act({ op: "do", action: "readVma", addr: ANON }),
      unlock(mmap, "read"),
      unlock(mmap, "write"),
    ],
    addr: ANON,
  },
  ...[Arch.i386, Arch.arm64_64k_42].map(
    (arch): LockPicker => ({
      kind: "lockPicker",
      id: `walk-${arch.name.replaceAll(/[^a-z0-9]+/gi, "-").toLowerCase()}`,
      chapter: "P1",
      title: `Walk on ${arch.name}`,
      rules: ["P1", "P2"],
      lesson: `${arch.name} has ${arch.real.length} real levels; the kernel still walks five, passing through the folded ones (P1).`,
      hints: [
        "Traversal needs only a stabilising lock (P2).",
        "Watch which levels the page-table view marks folded.",
      ],
      task: `Walk the page tables of page ${ANON} on ${arch.name}.`,
      world: { arch, mms: Scenarios.layout },
      goal: [act({ op: "do", action: "walk", addr: ANON })],
      palette: [
        lock(mmap, "write"),
        lock(mmap, "read"),
        act({ op: "do", action: "walk", addr: ANON }),
        unlock(mmap, "read"),
        unlock(mmap, "write"),
      ],
      addr: ANON,
    }),
  ),
]
