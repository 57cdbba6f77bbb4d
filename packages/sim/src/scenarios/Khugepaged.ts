/**
 * Scenario "khugepaged": khugepaged retracts an empty PTE table while GUP-fast walks.
 * Kernel path: khugepaged -> retract_page_tables (pte_free_defer) vs gup_fast.
 *
 * @since 0.1.0
 */
import type { LockedPmd } from "@mmguard/core"
import type { Program } from "../Compile.js"
import { api, libfoo, misuse, page, pgoff } from "./kernel.js"
import { gupFast, retract } from "./paths.js"
import { define, FILE } from "./Scenario.js"

/**
 * retract_page_tables without the PMD lock: the PTE table's lock handed where the PMD table's
 * is required, so the PMD entry is cleared under the wrong lock (P15).
 */
const noPmdLock: Program = misuse(
  api.iMmapLockRead(libfoo, (locked) =>
    api.vmaIntervalTreeForeach(locked, pgoff(2048), pgoff(2048), (vma) =>
      api.pteOffsetMapLock(vma, page(2048), (pte) => {
        // @ts-expect-error P8: the lock of this PMD table is held (pmd_lock)
        const pmd: LockedPmd<string, never> = pte
        return api.retractPteTable(pmd, pte)
      }),
    ),
  ),
)

/** The scenario, with its buggy variants. */
export const scenario = define({
  id: "khugepaged",
  addr: FILE,
  title: "khugepaged retracts an empty PTE table while GUP-fast walks",
  kernelPath: "khugepaged -> retract_page_tables (pte_free_defer) vs gup_fast",
  rules: ["P15", "P10", "P13"],
  paths: { khugepaged: retract, gup: gupFast },
  variants: [
    {
      id: "no-pmd-lock",
      title: "The table retracted without the PMD lock",
      caught: "compile",
      paths: { khugepaged: noPmdLock },
      expected: { rule: "P15", kind: "rule" },
    },
  ],
})
