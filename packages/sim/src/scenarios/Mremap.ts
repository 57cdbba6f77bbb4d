/**
 * Scenario "mremap": mremap moves page tables.
 * Kernel path: mremap -> move_vma -> move_page_tables (take_rmap_locks).
 *
 * @since 0.1.0
 */
import type { Step } from "../Program.js"
import { reclaim } from "./paths.js"
import { ANON, type Scenario, task, world } from "./Scenario.js"

/** mremap's move_page_tables (P14): mmap, VMA and rmap write locks. */
const mremap = (rmap: boolean): ReadonlyArray<Step> => [
  { op: "lock", lock: "mmap", mode: "write" },
  { op: "vmaStartWrite", addr: ANON },
  ...(rmap ? [{ op: "lock", lock: "anonVma", addr: ANON, mode: "write" } as const] : []),
  { op: "do", action: "movePageTables", addr: 512, end: 1024, to: 4096 },
  ...(rmap ? [{ op: "unlock", lock: "anonVma", addr: ANON, mode: "write" } as const] : []),
  { op: "unlock", lock: "mmap", mode: "write" },
]

/** The scenario, with its buggy variants. */
export const scenario: Scenario = {
  id: "mremap",
  addr: ANON,
  title: "mremap moves page tables",
  kernelPath: "mremap -> move_vma -> move_page_tables (take_rmap_locks)",
  rules: ["P14"],
  spec: world(task("mremap", mremap(true)), task("reclaim", reclaim(true))),
  variants: [
    {
      id: "no-rmap-lock",
      title: "move_page_tables without the rmap locks",
      spec: world(task("mremap", mremap(false))),
      expected: { rule: "P14", kind: "rule" },
    },
  ],
}
