/**
 * Scenario "pt-reclaim": MADV_DONTNEED zaps a range and frees the PTE table it left empty
 * (PT_RECLAIM, RCU-deferred) while GUP-fast and an RCU walker read that table.
 * Kernel path: madvise_dontneed -> zap_pte_range -> try_to_free_pte (mm/pt_reclaim.c) vs
 * gup_fast vs pte_offset_map.
 *
 * @since 0.2.0
 */
import type { Step } from "../Program.js"
import { type Scenario, task, world } from "./Scenario.js"

const PAGE = 512

/** The zap under the mmap read lock (P4), then the empty table freed under PMD + PTE lock. */
const dontneed: ReadonlyArray<Step> = [
  { op: "lock", lock: "mmap", mode: "read" },
  { op: "do", action: "zapRange", addr: 512, end: 1024 },
  { op: "lock", lock: "pmd", addr: PAGE },
  { op: "lock", lock: "pte", addr: PAGE },
  { op: "do", action: "reclaimPteTable", addr: PAGE },
  { op: "unlock", lock: "pte", addr: PAGE },
  { op: "unlock", lock: "pmd", addr: PAGE },
  { op: "unlock", lock: "mmap", mode: "read" },
  { op: "synchronizeRcu" },
]

/**
 * A walker that maps the PTE table under RCU, walks it locklessly (GUP-fast's way) and reads an
 * entry: inside RCU, or after leaving it.
 */
const walker = (insideRcu: boolean): ReadonlyArray<Step> => [
  { op: "pteOffsetMapNolock", addr: PAGE, onFail: "end" },
  { op: "do", action: "walkLockless", addr: PAGE },
  ...(insideRcu
    ? [{ op: "ptepGet", addr: PAGE } as const, { op: "pteUnmap", addr: PAGE } as const]
    : [{ op: "pteUnmap", addr: PAGE } as const, { op: "ptepGet", addr: PAGE } as const]),
]

/** The scenario, with its buggy variants. */
export const scenario: Scenario = {
  id: "pt-reclaim",
  addr: PAGE,
  title: "A zap frees the PTE table it emptied while walkers read it under RCU",
  kernelPath: "zap_pte_range -> try_to_free_pte (PT_RECLAIM) vs gup_fast vs pte_offset_map",
  rules: ["P17", "P4", "P13", "P10"],
  spec: world(task("dontneed", dontneed), task("walker", walker(true))),
  variants: [
    {
      id: "use-after-rcu",
      title: "The walker reads the table after leaving RCU",
      spec: world(task("dontneed", dontneed), task("walker", walker(false))),
      expected: { rule: "P17", kind: "rule" },
    },
  ],
}
