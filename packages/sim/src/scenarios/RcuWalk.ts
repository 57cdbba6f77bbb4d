/**
 * Scenario "rcu-walk": a fault-around maps a file's PTE table under RCU, then takes its lock
 * and revalidates the PMD entry before installing, while khugepaged retracts that table.
 * Kernel path: filemap_map_pages -> pte_offset_map_rw_nolock -> spin_lock(pte_lockptr) ->
 * pmd_same vs retract_page_tables.
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import type { Program } from "../Compile.js"
import { api, mm, page } from "./kernel.js"
import { retract } from "./paths.js"
import { define, FILE } from "./Scenario.js"

const { findVma, installNewPage, mmapReadLock, pteLockRevalidate, pteOffsetMapRwNolock } = api
const addr = page(FILE)

/**
 * The walker: map under RCU, lock, re-check the PMD entry (give up when it changed: the fault
 * is retried from the start), install.
 */
const faultAround: Program = mmapReadLock(mm, (lock) =>
  Effect.flatMap(findVma(lock, addr), (vma) =>
    pteOffsetMapRwNolock(vma, addr, {
      onMapped: (mapped) =>
        pteLockRevalidate(mapped, {
          onLocked: (pte) => installNewPage(pte, addr),
          onChanged: () => Effect.void,
        }),
      onNone: () => Effect.void,
    }),
  ),
)

/** The scenario, with its buggy variants. */
export const scenario = define({
  id: "rcu-walk",
  addr: FILE,
  title: "A PTE table found under RCU is revalidated after locking, before acting",
  kernelPath:
    "filemap_map_pages -> pte_offset_map_rw_nolock -> pte_lockptr + pmd_same vs retract_page_tables",
  rules: ["P16", "P8", "P10"],
  paths: { fault: faultAround, khugepaged: retract },
  variants: [
    {
      id: "no-revalidate",
      title: "An entry found under RCU acted on without re-checking the PMD entry after locking",
      // core's pteLockRevalidate always re-checks: the bug is built as a lock without pmd_same.
      caught: "run",
      paths: { fault: faultAround, khugepaged: retract },
      build: { primitives: { recheck: false } },
      expected: { rule: "P16", kind: "rule" },
    },
  ],
})
