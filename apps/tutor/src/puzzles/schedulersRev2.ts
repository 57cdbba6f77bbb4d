/**
 * Scheduler puzzles for rules revision 2 of RULES.md added: walking tables no VMA covers (P6),
 * zap freeing the tables it emptied (P17), and memory_failure's lock order (O4).
 */
import { Scenarios, type WorldSpec } from "@mmguard/sim"
import type { SchedulerPuzzle } from "../engine/Puzzle.js"
import { libraryTask as lib, task } from "./paths.js"
import { scheduler } from "./schedulers.js"
import { ANON, act, anonVma, iMmap, lock, mmap, pte, unlock } from "./steps.js"

const world = (...tasks: WorldSpec["tasks"]): WorldSpec => ({ mms: Scenarios.layout, tasks })

/** A ptdump-like walk of page 600 under the PTE lock and only the mmap read lock. */
const debugWalk = [
  lock(mmap, "read"),
  lock(pte(ANON)),
  act({ op: "do", action: "walk", addr: ANON }),
  unlock(pte(ANON)),
  unlock(mmap, "read"),
]

/** Truncation with PT_RECLAIM: zap libfoo's range, then free the PTE table it left empty. */
const zapReclaim = [
  lock(iMmap, "read"),
  act({ op: "do", action: "zapRange", addr: 2048, end: 2560 }),
  lock({ lock: "pmd", addr: 2048 }),
  lock(pte(2048)),
  act({ op: "do", action: "retractPteTable", addr: 2048 }),
  unlock(pte(2048)),
  unlock({ lock: "pmd", addr: 2048 }),
  unlock(iMmap, "read"),
  { op: "synchronizeRcu" } as const,
]

/** memory_failure's collect_procs_anon: the anon_vma lock, then the PTE lock. */
const collectProcs = [
  lock(anonVma(ANON), "read"),
  lock(pte(ANON)),
  act({ op: "do", action: "walk", addr: ANON }),
  unlock(pte(ANON)),
  unlock(anonVma(ANON), "read"),
]

/** A path that ages page 600 under its PTE lock, taking the anon_vma lock first or inside. */
const ager = (anonFirst: boolean) => {
  const anon = [lock(anonVma(ANON), "write")]
  const ptl = [lock(pte(ANON))]
  return [
    lock(mmap, "read"),
    ...(anonFirst ? [...anon, ...ptl] : [...ptl, ...anon]),
    act({ op: "do", action: "changeAccessDirty", addr: ANON }),
    ...(anonFirst
      ? [unlock(pte(ANON)), unlock(anonVma(ANON), "write")]
      : [unlock(anonVma(ANON), "write"), unlock(pte(ANON))]),
    unlock(mmap, "read"),
  ]
}

/** The scheduler puzzles of the rules revision 2 added. */
export const schedulersRev2: ReadonlyArray<SchedulerPuzzle> = [
  scheduler({
    id: "sched-debug-walk",
    chapter: "P",
    title: "A debug walk",
    story:
      "A debug tool walks the page tables of page 600 while munmap tears that range down the way the kernel does.",
    goal: "staleTable",
    rules: ["P6", "P7", "V5"],
    hints: ["After munmap detaches, no VMA covers page 600: what protects its tables now?"],
    lesson:
      "munmap detaches its VMAs under the write lock, downgrades (V5) and frees their tables under the read lock (P7). So a walk of a range no VMA covers needs the mmap WRITE lock (P6): under the read lock it meets tables being freed.",
    kernel: "walk_page_range_debug (ptdump) vs do_vmi_munmap",
    spec: world(lib("munmap", "munmap"), task("ptdump", debugWalk)),
    fixed: world(lib("munmap", "munmap"), lib("ptdump", "ptdump")),
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
    spec: world(task("truncate", zapReclaim), lib("pte-map-lock", "fault", "no-recheck")),
    fixed: world(task("truncate", zapReclaim), lib("pte-map-lock", "fault")),
    addr: 2048,
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
    spec: world(task("memory_failure", collectProcs), task("ager", ager(false))),
    fixed: world(task("memory_failure", collectProcs), task("ager", ager(true))),
    addr: ANON,
  }),
]
