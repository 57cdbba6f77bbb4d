/**
 * Scenario "retract-revalidate": khugepaged's retract_page_tables in its current form: the PTE
 * table found under RCU, the PMD lock, then the PTE lock and the pmd_same re-check, while a
 * MADV_DONTNEED frees the same empty table (PT_RECLAIM).
 * Kernel path: retract_page_tables (pte_offset_map_rw_nolock, pmd_lock, pmd_same) vs
 * zap_pte_range -> try_to_free_pte.
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import type { Program } from "../Compile.js"
import { api, libfoo, mm, page, pgoff } from "./kernel.js"
import { define, FILE } from "./Scenario.js"

const {
  findVma,
  iMmapLockRead,
  mmapReadLock,
  pmdLock,
  pteLockRevalidate,
  pteOffsetMapLock,
  pteOffsetMapRwNolock,
  reclaimPteTable,
  retractPteTable,
  vmaIntervalTreeForeach,
} = api
const table = page(2048)

/** retract_page_tables: every entry it acts on is revalidated under the PMD and PTE locks. */
const retract: Program = iMmapLockRead(libfoo, (locked) =>
  vmaIntervalTreeForeach(locked, pgoff(2048), pgoff(2048), (vma) =>
    pteOffsetMapRwNolock(vma, table, {
      onMapped: (mapped) =>
        pmdLock(vma, table, (pmd) =>
          pteLockRevalidate(mapped, {
            onLocked: (pte) => retractPteTable(pmd, pte),
            onChanged: () => Effect.void,
          }),
        ),
      onNone: () => Effect.void,
    }),
  ),
)

/** MADV_DONTNEED on the empty range: PT reclaim frees the table under PMD + PTE lock (P17). */
const dontneed: Program = mmapReadLock(mm, (lock) =>
  Effect.flatMap(findVma(lock, table), (vma) =>
    pmdLock(vma, table, (pmd) => pteOffsetMapLock(vma, table, (pte) => reclaimPteTable(pmd, pte))),
  ),
)

/** The scenario, with its buggy variants. */
export const scenario = define({
  id: "retract-revalidate",
  addr: FILE,
  title: "khugepaged revalidates the PMD entry under its locks before retracting",
  kernelPath: "retract_page_tables (pte_offset_map_rw_nolock, pmd_lock, pmd_same) vs PT reclaim",
  rules: ["P10", "P15", "P17"],
  paths: { khugepaged: retract, dontneed },
  variants: [
    {
      id: "no-revalidate",
      title: "The table retracted without re-checking the PMD entry after locking",
      // core's pteLockRevalidate always re-checks: the bug is built as a lock without pmd_same.
      caught: "run",
      paths: { khugepaged: retract, dontneed },
      build: { primitives: { recheck: false } },
      expected: { rule: "P10", kind: "rule" },
    },
  ],
})
