/**
 * Scenario "retract-revalidate": khugepaged's retract_page_tables in its current form: the PTE
 * table found under RCU, the PMD lock, then the PTE lock and the pmd_same re-check, while a
 * MADV_DONTNEED frees the same empty table (PT_RECLAIM).
 * Kernel path: retract_page_tables (pte_offset_map_rw_nolock, pmd_lock, pmd_same) vs
 * zap_pte_range -> try_to_free_pte.
 *
 * @since 0.2.0
 */
import type { Step } from "../Program.js"
import { FILE, type Scenario, task, world } from "./Scenario.js"

const TABLE = 2048

/** retract_page_tables: every entry it acts on is revalidated under the PMD and PTE locks. */
const retract = (recheck: boolean): ReadonlyArray<Step> => [
  { op: "lock", lock: "iMmap", file: "libfoo", mode: "read" },
  { op: "pteOffsetMapNolock", addr: TABLE, onFail: "unlock" },
  { op: "lock", lock: "pmd", addr: TABLE },
  { op: "pteLockRevalidate", addr: TABLE, onFail: "pml", ...(recheck ? {} : { recheck }) },
  { op: "do", action: "retractPteTable", addr: TABLE },
  { op: "pteUnmapUnlock", addr: TABLE },
  { op: "unlock", lock: "pmd", addr: TABLE, label: "pml" },
  { op: "unlock", lock: "iMmap", file: "libfoo", mode: "read", label: "unlock" },
  { op: "synchronizeRcu" },
]

/** MADV_DONTNEED on the empty range: PT reclaim frees the table under PMD + PTE lock (P17). */
const reclaim: ReadonlyArray<Step> = [
  { op: "lock", lock: "mmap", mode: "read" },
  { op: "lock", lock: "pmd", addr: TABLE },
  { op: "lock", lock: "pte", addr: TABLE },
  { op: "do", action: "reclaimPteTable", addr: TABLE },
  { op: "unlock", lock: "pte", addr: TABLE },
  { op: "unlock", lock: "pmd", addr: TABLE },
  { op: "unlock", lock: "mmap", mode: "read" },
]

/** The scenario, with its buggy variants. */
export const scenario: Scenario = {
  id: "retract-revalidate",
  addr: FILE,
  title: "khugepaged revalidates the PMD entry under its locks before retracting",
  kernelPath: "retract_page_tables (pte_offset_map_rw_nolock, pmd_lock, pmd_same) vs PT reclaim",
  rules: ["P10", "P15", "P17"],
  spec: world(task("khugepaged", retract(true)), task("dontneed", reclaim)),
  variants: [
    {
      id: "no-revalidate",
      title: "The table retracted without re-checking the PMD entry after locking",
      spec: world(task("khugepaged", retract(false)), task("dontneed", reclaim)),
      expected: { rule: "P10", kind: "rule" },
    },
  ],
}
