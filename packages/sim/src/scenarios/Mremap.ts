/**
 * Scenario "mremap": mremap moves page tables.
 * Kernel path: mremap -> move_vma -> move_page_tables (take_rmap_locks).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type { Program } from "../Compile.js"
import { api, mm, page } from "./kernel.js"
import { reclaim } from "./paths.js"
import { ANON, define } from "./Scenario.js"

const { findVma, mmapWriteLock, movePageTables, takeRmapLocks, vmaStartWrite } = api
const [start, end, to] = [page(512), page(1024), page(4096)]

/** mremap's move_page_tables (P14): mmap and VMA write locks, and the rmap locks. */
const mremap: Program = mmapWriteLock(mm, (lock) =>
  Effect.flatMap(findVma(lock, page(ANON)), (vma) =>
    vmaStartWrite(vma, takeRmapLocks(vma, movePageTables(vma, start, end, to))),
  ),
)

/** move_page_tables without take_rmap_locks: an rmap walker may miss the moving entries. */
// @ts-expect-error LockRequired<"AnonVmaWriteLock", "proc">
const noRmapLock: Program = mmapWriteLock(mm, (lock) =>
  Effect.flatMap(findVma(lock, page(ANON)), (vma) =>
    vmaStartWrite(vma, movePageTables(vma, start, end, to)),
  ),
)

/** The scenario, with its buggy variants. */
export const scenario = define({
  id: "mremap",
  addr: ANON,
  title: "mremap moves page tables",
  kernelPath: "mremap -> move_vma -> move_page_tables (take_rmap_locks)",
  rules: ["P14", "L4"],
  paths: { mremap, reclaim },
  variants: [
    {
      id: "no-rmap-lock",
      title: "move_page_tables without the rmap locks",
      caught: "compile",
      paths: { mremap: noRmapLock },
      expected: { rule: "P14", kind: "rule" },
    },
  ],
})
