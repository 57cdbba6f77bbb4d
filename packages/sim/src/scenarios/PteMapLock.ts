/**
 * Scenario "pte-map-lock": A file fault maps and locks the PTE table while khugepaged retracts it.
 * Kernel path: do_fault -> pte_offset_map_lock (re-check pmd_same, retry) vs retract_page_tables.
 *
 * @since 0.1.0
 */
import type { Step } from "../Program.js"
import { retract } from "./paths.js"
import { FILE, type Scenario, task, world } from "./Scenario.js"

/**
 * A file fault that maps the PTE table with pte_offset_map_lock (P11) under the mmap read lock:
 * without the PMD re-check it can lock a table khugepaged has just retracted.
 */
const faultMapLock = (recheck: boolean): ReadonlyArray<Step> => [
  { op: "lock", lock: "mmap", mode: "read" },
  { op: "findVma", addr: FILE, onFail: "unlock" },
  { op: "pteOffsetMapLock", addr: FILE, onFail: "unlock", recheck },
  { op: "do", action: "installPte", addr: FILE },
  { op: "pteUnmapUnlock", addr: FILE },
  { op: "unlock", lock: "mmap", mode: "read", label: "unlock" },
]

/** The scenario, with its buggy variants. */
export const scenario: Scenario = {
  id: "pte-map-lock",
  addr: FILE,
  title: "A file fault maps and locks the PTE table while khugepaged retracts it",
  kernelPath: "do_fault -> pte_offset_map_lock (re-check pmd_same, retry) vs retract_page_tables",
  rules: ["P11", "P10", "P15"],
  spec: world(task("fault", faultMapLock(true)), task("khugepaged", retract(true))),
  variants: [
    {
      id: "no-recheck",
      title: "pte_offset_map_lock without re-reading the PMD entry after locking",
      spec: world(task("fault", faultMapLock(false)), task("khugepaged", retract(true))),
      expected: { rule: "P11", kind: "rule" },
    },
  ],
}
