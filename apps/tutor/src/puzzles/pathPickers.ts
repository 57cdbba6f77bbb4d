/**
 * More lock pickers: balanced locking, GUP-fast's RCU walk, and two kernel paths of the final
 * chapter (mremap of a file mapping, khugepaged's retract).
 */
import { Scenarios } from "@mmguard/sim"
import type { LockPicker } from "../engine/Puzzle.js"
import { ANON, act, anonVma, FILE, iMmap, lock, mmap, pte, unlock } from "./steps.js"

const world = { mms: Scenarios.layout }
const pmd = { lock: "pmd", addr: 2048 } as const
const move = act({ op: "do", action: "movePageTables", addr: 2048, end: 2560, to: 4096 })
const retract = act({ op: "do", action: "retractPteTable", addr: 2048 })
const detach = act({ op: "do", action: "detachVma", addr: ANON })
const zap = act({ op: "do", action: "zapRange", addr: 512, end: 1024 })
const free = act({ op: "do", action: "freePgtables", addr: 512, end: 1024 })

/** The lock pickers of this file. */
export const pathPickers: ReadonlyArray<LockPicker> = [
  {
    kind: "lockPicker",
    id: "balanced",
    chapter: "L",
    title: "Leave nothing behind",
    rules: ["L10", "L4"],
    lesson:
      "The rmap locks are read/write semaphores (L4): released in the mode taken, and always released. A task that ends holding one blocks every writer forever (L10).",
    kernel: "anon_vma_lock_read / anon_vma_unlock_read (include/linux/rmap.h)",
    hints: ["Count the locks taken and the locks released.", "Release in the mode you took."],
    task: "Zap the anonymous VMA's pages [512, 1024) through its anon_vma, and end cleanly.",
    world,
    goal: [act({ op: "do", action: "zapRange", addr: 512, end: 1024 })],
    palette: [
      lock(anonVma(ANON), "read"),
      lock(anonVma(ANON), "write"),
      act({ op: "do", action: "zapRange", addr: 512, end: 1024 }),
      unlock(anonVma(ANON), "write"),
      unlock(anonVma(ANON), "read"),
    ],
    addr: 512,
  },
  {
    kind: "lockPicker",
    id: "gup-fast",
    chapter: "P",
    title: "Walk without a lock",
    rules: ["P13", "P16", "P2"],
    lesson:
      "GUP-fast walks with no mm lock at all: page tables are freed only after an RCU grace period, so the RCU read lock keeps them there (P16), and every entry is read once, locklessly (P13). A locked walk needs a stable VMA instead (P2).",
    kernel: "get_user_pages_fast -> gup_fast (local_irq_save / RCU, ptep_get_lockless)",
    hints: [
      "No sleeping lock here: GUP-fast must not block.",
      "What keeps a table from being freed under a walker?",
    ],
    task: `Walk page ${ANON}'s tables locklessly, as GUP-fast does.`,
    world,
    goal: [act({ op: "do", action: "walkLockless", addr: ANON })],
    palette: [
      lock(mmap, "read"),
      { op: "rcuReadLock" },
      act({ op: "do", action: "walkLockless", addr: ANON }),
      { op: "rcuReadUnlock" },
      unlock(mmap, "read"),
    ],
    addr: ANON,
  },
  {
    kind: "lockPicker",
    id: "mremap-file",
    chapter: "K",
    title: "mremap of a file mapping",
    rules: ["P14", "O1", "L3"],
    lesson:
      "mremap takes the mmap write lock, write-locks the VMA (L3), then the rmap locks (take_rmap_locks) in O1's order, after the VMA lock, and only then moves the tables (P14). A private file mapping with an anon_vma would take both rmap locks, i_mmap first.",
    kernel: "mremap -> move_vma -> move_page_tables -> take_rmap_locks",
    hints: [
      "Rmap walkers reach these tables without the mmap lock.",
      "The order: mmap, VMA, then i_mmap.",
    ],
    task: "Move libfoo's page tables [2048, 2560) to 4096.",
    world,
    goal: [move],
    palette: [
      lock(mmap, "write"),
      lock(mmap, "read"),
      { op: "vmaStartWrite", addr: FILE },
      lock(iMmap, "write"),
      lock(iMmap, "read"),
      move,
      unlock(iMmap, "write"),
      unlock(iMmap, "read"),
      unlock(mmap, "write"),
      unlock(mmap, "read"),
    ],
    addr: FILE,
  },
  {
    kind: "lockPicker",
    id: "khugepaged",
    chapter: "K",
    title: "khugepaged retracts a table",
    rules: ["P15", "P9", "P10"],
    lesson:
      "retract_page_tables runs without the mmap lock: the i_mmap read lock finds the VMAs, the PMD lock (P9) and the PTE lock guard the unlink (P15), and the table itself is freed only after an RCU grace period (P10).",
    kernel: "khugepaged -> retract_page_tables -> pte_free_defer",
    hints: [
      "No mmap lock: khugepaged comes from the file's side.",
      "Two split locks, PMD outside PTE.",
      "Walkers may still be in the table: wait a grace period.",
    ],
    task: "Unlink libfoo's empty PTE table at 2048, then wait for walkers to leave it.",
    world,
    goal: [retract, { op: "synchronizeRcu" }],
    palette: [
      lock(mmap, "write"),
      lock(iMmap, "read"),
      lock(pmd),
      lock(pte(2048)),
      retract,
      unlock(pte(2048)),
      unlock(pmd),
      unlock(iMmap, "read"),
      unlock(mmap, "write"),
      { op: "synchronizeRcu" },
    ],
    addr: 2048,
  },
  {
    kind: "lockPicker",
    id: "munmap-downgrade",
    chapter: "K",
    title: "munmap, the kernel's way",
    rules: ["P7", "V5", "V7", "L7"],
    lesson:
      "The kernel's munmap holds the write lock only as long as it must: it write-locks and detaches the VMAs (L7, V7), downgrades (V5), and zaps and frees the page tables under the read lock. That is safe because the detached VMAs are unreachable (P7), and readers may meanwhile go on elsewhere in the mm.",
    kernel:
      "do_vmi_align_munmap -> vms_gather_munmap_vmas -> vms_complete_munmap_vmas (mmap_write_downgrade, vms_clear_ptes)",
    hints: [
      "Which of these steps needs the write lock, and which only needs the VMA gone?",
      "Detach under the write lock; the teardown can run under the read lock.",
      "mmap_write_downgrade turns the write lock into a read lock: unlock in read mode then.",
    ],
    task: "Unmap the anonymous VMA [512, 1024): detach it, zap it, free its page tables, and hold the write lock no longer than needed.",
    world,
    goal: [detach, zap, free],
    palette: [
      lock(mmap, "write"),
      { op: "vmaStartWrite", addr: ANON },
      detach,
      { op: "mmapWriteDowngrade" },
      zap,
      free,
      unlock(mmap, "read"),
      unlock(mmap, "write"),
    ],
    addr: ANON,
  },
  {
    kind: "lockPicker",
    id: "read-locked",
    chapter: "V",
    title: "A VMA lock under the mmap lock",
    rules: ["V8", "L9"],
    lesson:
      "Holding the mmap read lock, a VMA read lock is taken with vma_start_read_locked (the direction L9 allows). No writer can run under the mmap read lock, so it does not fail from contention, but it can still fail (a detached VMA): its result is checked (V8).",
    kernel: "vma_start_read_locked (mm/mmap_lock.c), used by userfaultfd's uffd_lock_vma",
    hints: [
      "Which lock must already be held for vma_start_read_locked?",
      "The VMA lock is taken inside the mmap read lock, and dropped before it.",
    ],
    task: "Take page 600's VMA read lock the way userfaultfd does, read the VMA under it, and release everything.",
    world,
    goal: [
      { op: "vmaStartReadLocked", addr: ANON, onFail: "out" },
      act({ op: "do", action: "readVma", addr: ANON }),
    ],
    palette: [
      lock(mmap, "read"),
      { op: "vmaStartReadLocked", addr: ANON, onFail: "out" },
      act({ op: "do", action: "readVma", addr: ANON }),
      { op: "vmaEndRead", addr: ANON },
      { ...unlock(mmap, "read"), label: "out" },
      lock(mmap, "write"),
      unlock(mmap, "write"),
    ],
    addr: ANON,
  },
]
