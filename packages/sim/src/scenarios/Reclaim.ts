/**
 * Scenario "reclaim": Reclaim ages pages through the rmap.
 * Kernel path: shrink_folio_list -> folio_referenced -> rmap_walk_anon -> anon_vma_interval_tree_foreach -> ptep_clear_flush_young.
 *
 * @since 0.1.0
 */
import type { LockedPte } from "@mmguard/core"
import type { Program } from "../Compile.js"
import { anonVmaOfAnon, api, misuse, page, pgoff } from "./kernel.js"
import { fault, reclaim } from "./paths.js"
import { ANON, define } from "./Scenario.js"

/** The accessed bit cleared in a table only mapped under RCU, without its lock (P8). */
const noPteLock: Program = misuse(
  api.anonVmaLockRead(api.folioAnonVma(anonVmaOfAnon), (locked) =>
    api.anonVmaIntervalTreeForeach(locked, pgoff(512), pgoff(512), (vma) =>
      api.pteOffsetMap(vma, page(512), (pte) => {
        // @ts-expect-error P8: the lock of this PTE table is held (pte_offset_map_lock)
        const locked: LockedPte<string, never> = pte
        return api.changeAccessDirty(locked, page(512), { accessed: false })
      }),
    ),
  ),
)

/** The scenario, with its buggy variants. */
export const scenario = define({
  id: "reclaim",
  addr: 512,
  title: "Reclaim ages pages through the rmap",
  kernelPath:
    "shrink_folio_list -> folio_referenced -> rmap_walk_anon -> anon_vma_interval_tree_foreach -> ptep_clear_flush_young",
  rules: ["P5", "P8", "P9", "L4", "L5"],
  paths: { reclaim, fault: fault(ANON) },
  variants: [
    {
      id: "no-pte-lock",
      title: "The accessed bit cleared without the PTE lock",
      caught: "compile",
      paths: { reclaim: noPteLock },
      expected: { rule: "P8", kind: "rule" },
    },
  ],
})
