/**
 * Scenario "ptdump": a walk of a user range no VMA need cover (walk_page_range_debug, used by
 * ptdump) racing munmap, which tears page tables down, and truncation.
 * Kernel path: ptdump_walk_pgd -> walk_page_range_debug vs do_vmi_munmap.
 *
 * @since 0.2.0
 */
import type { Program } from "../Compile.js"
import { api, mm, page } from "./kernel.js"
import { munmap, ptdump, truncate } from "./paths.js"
import { ANON, define } from "./Scenario.js"

/** walk_page_range_debug under the read lock: a downgraded munmap frees tables under it (P6). */
// @ts-expect-error LockRequired<"MmapWriteLock", "proc">
const underRead: Program = api.mmapReadLock(mm, (lock) =>
  api.walkPageRangeDebug(lock, page(0), page(16384)),
)

/** The scenario, with its buggy variants. */
export const scenario = define({
  id: "ptdump",
  addr: ANON,
  title: "ptdump walks page tables no VMA covers while munmap and truncation tear them down",
  kernelPath: "ptdump_walk_pgd -> walk_page_range_debug vs do_vmi_munmap",
  rules: ["P6", "P7"],
  paths: { ptdump, munmap: munmap("anon"), truncate },
  variants: [
    {
      id: "mmap-read",
      title: "walk_page_range_debug under the mmap read lock",
      caught: "compile",
      paths: { ptdump: underRead, munmap: munmap("anon") },
      expected: { rule: "P6", kind: "rule" },
    },
  ],
})
