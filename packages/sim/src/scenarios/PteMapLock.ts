/**
 * Scenario "pte-map-lock": A file fault maps and locks the PTE table while khugepaged retracts it.
 * Kernel path: do_fault -> pte_offset_map_lock (re-check pmd_same, retry) vs retract_page_tables.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type { Program } from "../Compile.js"
import { api, mm, page } from "./kernel.js"
import { retract } from "./paths.js"
import { define, FILE } from "./Scenario.js"

const addr = page(FILE)

/** A file fault that maps the PTE table with pte_offset_map_lock (P11) under the mmap read lock. */
const faultMapLock: Program = api.mmapReadLock(mm, (lock) =>
  Effect.flatMap(api.findVma(lock, addr), (vma) =>
    api.pteOffsetMapLock(vma, addr, (pte) => api.installNewPage(pte, addr)),
  ),
)

/** The scenario, with its buggy variants. */
export const scenario = define({
  id: "pte-map-lock",
  addr: FILE,
  title: "A file fault maps and locks the PTE table while khugepaged retracts it",
  kernelPath: "do_fault -> pte_offset_map_lock (re-check pmd_same, retry) vs retract_page_tables",
  rules: ["P11", "P10", "P15", "P9"],
  paths: { fault: faultMapLock, khugepaged: retract },
  variants: [
    {
      id: "no-recheck",
      title: "pte_offset_map_lock without re-reading the PMD entry after locking",
      // The same fault on a kernel whose pte_offset_map_lock skips its re-check: no caller's
      // source shows this bug.
      caught: "run",
      paths: { fault: faultMapLock, khugepaged: retract },
      build: { primitives: { recheck: false } },
      expected: { rule: "P11", kind: "rule" },
    },
  ],
})
