/**
 * Scenario "rcu-walk": a fault-around maps a file's PTE table under RCU, then takes its lock
 * and revalidates the PMD entry before installing, while khugepaged retracts that table.
 * Kernel path: filemap_map_pages -> pte_offset_map_rw_nolock -> spin_lock(pte_lockptr) ->
 * pmd_same vs retract_page_tables.
 *
 * @since 0.2.0
 */
import type { Step } from "../Program.js"
import { retract } from "./paths.js"
import { FILE, type Scenario, task, world } from "./Scenario.js"

/** The walker: map under RCU, lock, re-check the PMD entry (retry when it changed), install. */
const faultAround = (recheck: boolean): ReadonlyArray<Step> => [
  { op: "lock", lock: "mmap", mode: "read" },
  { op: "findVma", addr: FILE, onFail: "unlock" },
  { op: "pteOffsetMapNolock", addr: FILE, onFail: "unlock", label: "retry" },
  { op: "pteLockRevalidate", addr: FILE, onFail: "retry", ...(recheck ? {} : { recheck }) },
  { op: "do", action: "installPte", addr: FILE },
  { op: "pteUnmapUnlock", addr: FILE },
  { op: "unlock", lock: "mmap", mode: "read", label: "unlock" },
]

/** The scenario, with its buggy variants. */
export const scenario: Scenario = {
  id: "rcu-walk",
  addr: FILE,
  title: "A PTE table found under RCU is revalidated after locking, before acting",
  kernelPath:
    "filemap_map_pages -> pte_offset_map_rw_nolock -> pte_lockptr + pmd_same vs retract_page_tables",
  rules: ["P16", "P8", "P10"],
  spec: world(task("fault", faultAround(true)), task("khugepaged", retract(true))),
  variants: [
    {
      id: "no-revalidate",
      title: "An entry found under RCU acted on without re-checking the PMD entry after locking",
      spec: world(task("fault", faultAround(false)), task("khugepaged", retract(true))),
      expected: { rule: "P16", kind: "rule" },
    },
  ],
}
