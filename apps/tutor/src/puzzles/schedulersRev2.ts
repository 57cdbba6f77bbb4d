/**
 * Scheduler puzzles for rules revision 2 of RULES.md added: walking tables no VMA covers (P6),
 * zap freeing the tables it emptied under a locked or a lockless walker (P17), memory_failure's
 * lock order (O4), and a VMA freed and reused under RCU while a fault locks it (V7).
 */
import { Scenarios } from "@mmguard/sim"
import type { SchedulerPuzzle } from "../engine/Puzzle.js"
import {
  ager,
  agerInverted,
  collectProcs,
  libraryTask as lib,
  libraryWorld,
  zapReclaim,
} from "./paths.js"
import { scheduler, world } from "./schedulers.js"
import { ANON } from "./steps.js"

const { task } = Scenarios

/** The scheduler puzzles of the rules revision 2 added. */
export const schedulersRev2: ReadonlyArray<SchedulerPuzzle> = [
  scheduler({
    id: "sched-debug-walk",
    chapter: "P",
    title: "A debug walk",
    story:
      "A debug tool walks the page tables of the low range, page 600 among them, while munmap tears the VMA around page 600 down the way the kernel does.",
    goal: "staleTable",
    rules: ["P6", "P7", "V5"],
    hints: ["After munmap detaches, no VMA covers page 600: what protects its tables now?"],
    lesson:
      "munmap detaches its VMAs under the write lock, downgrades (V5) and frees their tables under the read lock (P7). So a walk of a range no VMA covers needs the mmap WRITE lock (P6): under the read lock it meets tables being freed.",
    kernel: "walk_page_range_debug (ptdump) vs do_vmi_munmap",
    spec: () => world(lib("ptdump", "munmap"), lib("ptdump", "ptdump", "mmap-read")),
    fixed: () => world(lib("ptdump", "munmap"), lib("ptdump", "ptdump")),
    addr: ANON,
  }),
  scheduler({
    id: "sched-pt-reclaim",
    chapter: "K",
    title: "Truncation reclaims a table",
    story:
      "Truncation zaps libfoo's pages and then frees the PTE table it left empty, while a file fault maps page 2100.",
    goal: "staleTable",
    rules: ["P17", "P16", "P11"],
    hints: ["A zap used to keep its tables. This one does not."],
    lesson:
      "Since 6.14 a zap may free the PTE tables it emptied, after an RCU grace period (P17). A walker of that range must expect its table to vanish: lock, then check the PMD entry still points at it (P16, P11).",
    kernel:
      "zap_pte_range with PT_RECLAIM (try_get_and_clear_pmd) vs do_fault -> pte_offset_map_lock",
    spec: () => world(task("truncate", zapReclaim), lib("pte-map-lock", "fault", "no-recheck")),
    fixed: () => world(task("truncate", zapReclaim), lib("pte-map-lock", "fault")),
    addr: 2048,
  }),
  scheduler({
    id: "sched-pt-reclaim-gup",
    chapter: "K",
    title: "A walker without locks",
    story:
      "MADV_DONTNEED zaps pages [512, 1024) and frees the PTE table it emptied, while a walker that takes no lock, as GUP-fast, reads an entry of that table.",
    goal: "staleTable",
    rules: ["P17", "P13", "P10"],
    hints: ["The walker holds no lock at all: what keeps its table alive while it reads?"],
    lesson:
      "A lockless walker maps the PTE table under RCU and reads it there (P13, P10). Since PT_RECLAIM a zap may free a table it emptied, after an RCU grace period (P17): the table stays valid only until the walker leaves its RCU section. This walker read its entry after leaving it, from a table already freed.",
    kernel:
      "madvise_dontneed -> zap_pte_range -> try_to_free_pte (mm/pt_reclaim.c) vs gup_fast, pte_offset_map",
    spec: () => world(lib("pt-reclaim", "dontneed"), lib("pt-reclaim", "walker", "use-after-rcu")),
    fixed: () => world(lib("pt-reclaim", "dontneed"), lib("pt-reclaim", "walker")),
    addr: 512,
  }),
  scheduler({
    id: "sched-memory-failure",
    chapter: "O",
    title: "A poisoned page",
    story:
      "memory_failure looks for the processes mapping page 600 while another path ages that page.",
    goal: "deadlock",
    rules: ["O4", "O1", "O3"],
    lesson:
      "memory_failure takes the anon_vma lock, then (through tasklist_lock, which sim does not model) the PTE map lock (O4); O1 orders anon_vma before the page-table locks too. The ager took them the other way round (O3).",
    kernel: "memory_failure -> collect_procs_anon",
    spec: () => world(task("memory_failure", collectProcs), task("ager", agerInverted)),
    fixed: () => world(task("memory_failure", collectProcs), task("ager", ager)),
    addr: ANON,
  }),
  scheduler({
    id: "sched-vma-reuse",
    chapter: "K",
    title: "A VMA born again",
    story:
      "A thread faults on page 600 while another unmaps that VMA to the end, freeing it, and maps a new range.",
    goal: "leakedPage",
    rules: ["V7", "V3", "L2"],
    hints: [
      "VMA objects are freed under RCU and can be handed out again at once (SLAB_TYPESAFE_BY_RCU).",
      "lock_vma_under_rcu is three moves: what can change between the lookup and the lock?",
    ],
    lesson:
      "The VMA that lock_vma_under_rcu found may be detached, freed and reused for another range before vma_start_read takes its reference (V7). So after locking it checks that the VMA is still attached, still this mm's and still covers the address, and otherwise drops it and fails to the mmap-lock fallback (V3, L2). Without that re-check the fault mapped page 600 under a VMA that now covers something else.",
    kernel:
      "lock_vma_under_rcu (mas_walk, vma_start_read, the re-check) vs vm_area_free and vm_area_alloc",
    spec: () => libraryWorld("vma-reuse", "no-recheck"),
    fixed: () => libraryWorld("vma-reuse"),
    addr: ANON,
  }),
  scheduler({
    id: "sched-killable",
    chapter: "L",
    title: "A fatal signal",
    story:
      "A writer write-locks two VMAs, the second killably, while a thread faults on page 600 under its VMA read lock.",
    goal: "unstableVma",
    rules: ["L11", "V4", "L3"],
    hints: [
      "A task asleep in vma_start_write_killable can be killed: press k.",
      "What does the writer do when its wait was interrupted?",
    ],
    lesson:
      "vma_start_write_killable waits for the VMA's readers like vma_start_write (V4), but a fatal signal ends the wait with -EINTR: the VMA is then NOT write-locked, though the mmap write lock and the VMAs locked before stay held (L11). This writer ignored the result and wrote vm_flags under a reader's feet.",
    kernel: "vma_start_write_killable (returns -EINTR) vs do_user_addr_fault",
    spec: () => libraryWorld("killable-write", "ignore-eintr"),
    fixed: () => libraryWorld("killable-write"),
    addr: ANON,
  }),
]
