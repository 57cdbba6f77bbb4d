/**
 * Scheduler puzzles, as in The Deadlock Empire: kernel paths as tasks, and a consequence to
 * cause (see `Consequence`). The title and story never name the flaw; sim's rule reports, the
 * lesson and the kernel function come after the win.
 */
import { Arch, Scenarios, type WorldSpec } from "@mmguard/sim"
import type { Consequence } from "../engine/Consequence.js"
import type { SchedulerPuzzle } from "../engine/Puzzle.js"
import {
  fileRemapLocks,
  libraryTask as lib,
  libraryWorld,
  mprotectRmw,
  mprotectRmwRead,
  munmapEarlyDowngrade,
  munmapLocked,
  munmapNoVmaWrite,
  writerInOrder,
} from "./paths.js"
import { ANON, FILE, STACK } from "./steps.js"

const { task } = Scenarios

/** A world of the library's layout running `tasks`. */
export const world = (...tasks: WorldSpec["tasks"]): WorldSpec => ({ mms: Scenarios.layout, tasks })

/**
 * A scheduler puzzle: the generic hints come after the puzzle's own. Its worlds are built at
 * their first read (sim compiles the library's paths then), so the menu shows without them.
 */
export const scheduler = (
  p: Omit<SchedulerPuzzle, "kind" | "hints" | "spec" | "fixed"> & {
    readonly hints?: ReadonlyArray<string>
    readonly spec: () => WorldSpec
    readonly fixed: () => WorldSpec
  },
): SchedulerPuzzle => {
  const { spec, fixed, ...rest } = p
  let flawed: WorldSpec | undefined
  let correct: WorldSpec | undefined
  return {
    kind: "scheduler",
    ...rest,
    hints: [
      ...(p.hints ?? []),
      "Read both programs line by line: where could the other task slip in between two lines?",
      "Undo (u) costs nothing: try an order, step back, try another.",
    ],
    get spec() {
      flawed ??= spec()
      return flawed
    },
    get fixed() {
      correct ??= fixed()
      return correct
    },
  }
}

const goal = (g: Consequence) => g

/** Every scheduler puzzle. */
export const schedulers: ReadonlyArray<SchedulerPuzzle> = [
  scheduler({
    id: "sched-fault-vs-mprotect",
    chapter: "L",
    title: "Two threads, one VMA",
    story: "A thread faults on page 600 while another changes the protection of its VMA.",
    goal: goal("deadlock"),
    rules: ["L9", "V4", "L2"],
    hints: ["vma_start_write waits until the VMA's readers have left."],
    lesson:
      "The fault holds a VMA read lock and then asks for the mmap lock; mprotect holds the mmap write lock and waits in vma_start_write for that very reader. Neither can go on: a VMA read lock must never be held while taking the mmap lock (L9). vma_start_write waits for readers (V4).",
    kernel: "do_user_addr_fault, lock_vma_under_rcu; mprotect_fixup -> vma_start_write",
    spec: () => libraryWorld("page-fault", "mmap-under-vma"),
    addr: ANON,
    fixed: () => libraryWorld("page-fault"),
  }),
  scheduler({
    id: "sched-fault-vs-munmap",
    chapter: "V",
    title: "A fault that does not give up",
    story: "A thread faults on page 600 while another unmaps the VMA around it.",
    goal: goal("leakedPage"),
    rules: ["P3", "L2", "V3"],
    hints: ["What does the fault do when lock_vma_under_rcu fails?"],
    lesson:
      "When lock_vma_under_rcu fails (the VMA is write-locked, V3), the fault must fall back to the mmap read lock and look the VMA up again. This one installed anyway, with no lock that keeps the VMA: munmap had already taken the VMA away, so the page is mapped where no VMA is and will never be freed (P3).",
    kernel: "do_user_addr_fault -> lock_vma_under_rcu / mmap_read_lock fallback; do_vmi_munmap",
    spec: () =>
      world(lib("page-fault", "fault", "no-fallback"), task("munmap", munmapLocked(512, 1024))),
    addr: ANON,
    fixed: () => world(lib("page-fault", "fault"), task("munmap", munmapLocked(512, 1024))),
  }),
  scheduler({
    id: "sched-munmap-reader",
    chapter: "L",
    title: "Unmapped under a reader",
    story: "A thread faults on page 600 under the VMA read lock while another unmaps the VMA.",
    goal: goal("useAfterFree"),
    rules: ["L3", "V7", "L5"],
    lesson:
      "Detaching a VMA needs its write lock (V7), and vma_start_write waits for the readers (L3): this munmap skipped it, so the fault kept using a VMA that was no longer in the tree and could be freed. A VMA read lock promises stability (L5) only if writers take the write lock.",
    kernel: "do_vmi_munmap -> vma_start_write -> vma_mark_detached",
    spec: () => world(task("munmap", munmapNoVmaWrite), lib("page-fault", "fault")),
    addr: ANON,
    fixed: () => world(task("munmap", munmapLocked(512, 1024)), lib("page-fault", "fault")),
  }),
  scheduler({
    id: "sched-two-mprotects",
    chapter: "F",
    title: "Two mprotects",
    story:
      "Two threads change the flags of the same VMA: each reads vm_flags and writes them back.",
    goal: goal("lostWrite"),
    rules: ["F3", "L7"],
    lesson:
      "vm_flags is written under the mmap write lock and the VMA write lock (F3, L7). Under the read lock two writers run at once: the second writes back a value it read before the first wrote, and the first change is lost.",
    kernel: "do_mprotect_pkey -> mprotect_fixup -> vm_flags_reset",
    spec: () => world(task("mprotect A", mprotectRmwRead), task("mprotect B", mprotectRmwRead)),
    addr: ANON,
    fixed: () => world(task("mprotect A", mprotectRmw), task("mprotect B", mprotectRmw)),
  }),
  scheduler({
    id: "sched-stack-vs-fault",
    chapter: "F",
    title: "The stack grows",
    story: "The stack grows down while a thread faults on it under the VMA read lock.",
    goal: goal("unstableVma"),
    rules: ["F1", "V6", "L5"],
    lesson:
      "vm_start places the VMA in the tree and the rmap: it changes only under the mmap write lock, the VMA write lock and the rmap write lock (F1). Stack expansion takes vma_start_write precisely so that faults holding the VMA read lock are not surprised (V6).",
    kernel: "expand_downwards -> vma_start_write -> anon_vma_lock_write",
    spec: () =>
      world(lib("stack-expansion", "expand", "no-vma-write"), lib("stack-expansion", "fault")),
    addr: STACK,
    fixed: () => libraryWorld("stack-expansion"),
  }),
  scheduler({
    id: "sched-reclaim-vs-fault",
    chapter: "P",
    title: "Reclaim ages a page",
    story: "Reclaim clears the accessed bit of page 512 while a thread faults on page 600.",
    goal: goal("lostWrite"),
    rules: ["P8", "P5"],
    hints: ["Pages 512 and 600 share one PTE table, and so one PTE lock."],
    lesson:
      "Reclaim may change entries under the rmap lock (P5), but every entry change also holds that table's lock (P8): the fault held it and counted on no one else changing its table meanwhile.",
    kernel: "shrink_folio_list -> folio_referenced -> ptep_clear_flush_young",
    spec: () => world(lib("reclaim", "reclaim", "no-pte-lock"), lib("reclaim", "fault")),
    addr: 512,
    fixed: () => libraryWorld("reclaim"),
  }),
  scheduler({
    id: "sched-truncate-vs-munmap",
    chapter: "P",
    title: "Truncation meets munmap",
    story: "A truncation path maps page 2100 of libfoo while a thread unmaps libfoo's VMA.",
    goal: goal("leakedPage"),
    rules: ["P3", "P4"],
    lesson:
      "An rmap lock is enough to zap (P4) but never to install (P3): munmap zaps and frees while the VMA is still reachable through the rmap, so an install in that window maps a page no VMA covers.",
    kernel: "unmap_mapping_range vs do_vmi_munmap -> unmap_region",
    spec: () =>
      world(
        lib("truncate", "truncate", "install-under-rmap"),
        task("munmap", munmapLocked(2048, 2560)),
      ),
    addr: FILE,
    fixed: () => world(lib("truncate", "truncate"), task("munmap", munmapLocked(2048, 2560))),
  }),
  scheduler({
    id: "sched-writer-vs-remap",
    chapter: "O",
    title: "Two paths, two locks",
    story: "A write path and a file mremap both need the mmap lock and libfoo's i_mmap lock.",
    goal: goal("deadlock"),
    rules: ["O3", "O1", "O2"],
    lesson:
      "The order is mmap_lock before i_mmap_rwsem (O1, and mm/filemap.c's list, O2). The write path took them the other way round: each task holds what the other waits for (O3).",
    kernel: "mm/rmap.c lock order; mremap -> move_vma vs a write path faulting user pages",
    spec: () => world(lib("truncate", "writer", "lock-inversion"), task("mremap", fileRemapLocks)),
    addr: FILE,
    fixed: () => world(task("writer", writerInOrder), task("mremap", fileRemapLocks)),
  }),
  scheduler({
    id: "sched-reclaim-i386",
    chapter: "P1",
    title: "Reclaim ages a page (i386, no PAE)",
    story: "The same race on a two-level machine: PUD and PMD are folded into the PGD.",
    goal: goal("lostWrite"),
    rules: ["P1", "P8", "P9"],
    lesson:
      "Folding removes levels, not rules: the PTE table still has its lock (P9) and every entry change holds it (P8), on every architecture (P1).",
    kernel: "ptep_clear_flush_young on i386 (pgtable-nopmd.h)",
    spec: () => ({
      ...world(lib("reclaim", "reclaim", "no-pte-lock"), lib("reclaim", "fault")),
      arch: Arch.i386,
    }),
    addr: 512,
    fixed: () => ({ ...libraryWorld("reclaim"), arch: Arch.i386 }),
  }),
  scheduler({
    id: "sched-khugepaged-vs-fault",
    chapter: "K",
    title: "khugepaged against a file fault",
    story:
      "A file fault maps page 2100 with pte_offset_map_lock while khugepaged retracts libfoo's empty PTE table.",
    goal: goal("staleTable"),
    rules: ["P11", "P10", "P16", "P15", "P12"],
    hints: ["pte_offset_map_lock is three steps here: map, lock, and what comes after."],
    lesson:
      "khugepaged may free an empty PTE table under only the i_mmap read lock, the PMD lock and the PTE lock (P15), after an RCU grace period (P10). So pte_offset_map_lock re-reads the PMD entry once it holds the lock (P11, P16); without that, the fault locks and writes a table that is gone. Allocating a table follows the same shape: check, lock, check again (P12).",
    kernel: "do_fault -> pte_offset_map_lock vs khugepaged -> retract_page_tables",
    spec: () => libraryWorld("pte-map-lock", "no-recheck"),
    addr: FILE,
    fixed: () => libraryWorld("pte-map-lock"),
  }),
  scheduler({
    id: "sched-mremap-vs-reclaim",
    chapter: "K",
    title: "mremap against reclaim",
    story:
      "mremap moves the anonymous VMA's page tables while reclaim walks them through the rmap.",
    goal: goal("staleTable"),
    rules: ["P14", "L4"],
    lesson:
      "move_page_tables moves whole tables, which rmap walkers reach without the mmap lock: it needs the rmap write locks too (take_rmap_locks, P14). Without them reclaim writes into a table that has moved away.",
    kernel: "mremap -> move_vma -> move_page_tables (take_rmap_locks)",
    spec: () => world(lib("mremap", "mremap", "no-rmap-lock"), lib("mremap", "reclaim")),
    addr: 512,
    fixed: () => libraryWorld("mremap"),
  }),
  scheduler({
    id: "sched-munmap-downgrade",
    chapter: "K",
    title: "munmap, downgraded",
    story:
      "munmap unmaps the VMA around page 600, downgrading its mmap lock on the way to free the page tables, while a thread faults on page 600.",
    goal: goal("useAfterFree"),
    rules: ["P7", "V5", "V2", "V1"],
    lesson:
      "The kernel's munmap write-locks and detaches the VMAs, then downgrades (V5) and frees the page tables under the read lock: only detached VMAs make that safe (P7). This one downgraded before detaching, and downgrading bumps mm_lock_seq so no VMA's vm_lock_seq matches it any more (V1): every VMA write lock ends (V2), and the detach no longer excludes the fault that got in through the VMA lock: it goes on using a VMA that is gone.",
    kernel: "do_vmi_munmap -> vms_complete_munmap_vmas -> mmap_write_downgrade -> vms_clear_ptes",
    spec: () => world(task("munmap", munmapEarlyDowngrade), lib("page-fault", "fault")),
    addr: ANON,
    // The kernel's munmap of the anonymous VMA (sim's library), racing the fault.
    fixed: () => world(lib("ptdump", "munmap"), lib("page-fault", "fault")),
  }),
]
