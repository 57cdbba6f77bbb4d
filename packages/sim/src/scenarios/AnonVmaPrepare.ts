/**
 * Scenario "anon-vma-prepare": First fault of a private file page sets anon_vma.
 * Kernel path: do_anonymous_page / do_cow_fault -> anon_vma_prepare.
 *
 * @since 0.1.0
 */
import type { Step } from "../Program.js"
import { truncate } from "./paths.js"
import { FILE, type Scenario, task, world } from "./Scenario.js"

/** anon_vma_prepare on a first fault: anon_vma set under mmap read + page_table_lock (F9). */
const anonVmaPrepare = (ptl: boolean): ReadonlyArray<Step> => [
  { op: "lock", lock: "mmap", mode: "read" },
  ...(ptl ? [{ op: "lock", lock: "pageTableLock" } as const] : []),
  { op: "do", action: "setAnonVma", addr: FILE },
  ...(ptl ? [{ op: "unlock", lock: "pageTableLock" } as const] : []),
  { op: "unlock", lock: "mmap", mode: "read" },
]

/** The scenario, with its buggy variants. */
export const scenario: Scenario = {
  id: "anon-vma-prepare",
  addr: FILE,
  title: "First fault of a private file page sets anon_vma",
  kernelPath: "do_anonymous_page / do_cow_fault -> anon_vma_prepare",
  rules: ["F9"],
  spec: world(task("prepare", anonVmaPrepare(true)), task("truncate", truncate)),
  variants: [
    {
      id: "no-page-table-lock",
      title: "anon_vma set without mm->page_table_lock",
      spec: world(task("prepare", anonVmaPrepare(false))),
      expected: { rule: "F9", kind: "rule" },
    },
  ],
}
