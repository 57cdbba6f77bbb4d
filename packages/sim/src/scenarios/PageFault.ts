/**
 * Scenario "page-fault": Page fault racing with mprotect.
 * Kernel path: do_user_addr_fault -> lock_vma_under_rcu / mmap_read_lock -> handle_mm_fault.
 *
 * @since 0.1.0
 */
import type { Step } from "../Program.js"
import { fault, mprotect } from "./paths.js"
import { ANON, type Scenario, task, world } from "./Scenario.js"

/** The fault handler that ignores a failed lock_vma_under_rcu and installs anyway (P3). */
const faultNoFallback = (addr: number): ReadonlyArray<Step> => [
  { op: "lockVmaUnderRcu", addr, onFail: "anyway" },
  { op: "lock", lock: "pte", addr },
  { op: "do", action: "installPte", addr },
  { op: "unlock", lock: "pte", addr },
  { op: "vmaEndRead", addr },
  { op: "goto", to: "end" },
  { op: "lock", lock: "pte", addr, label: "anyway" },
  { op: "do", action: "installPte", addr },
  { op: "unlock", lock: "pte", addr },
]

/** The fault handler that takes the mmap lock while holding the VMA read lock (L9). */
const faultMmapUnderVma = (addr: number): ReadonlyArray<Step> => [
  { op: "lockVmaUnderRcu", addr, onFail: "end" },
  { op: "lock", lock: "mmap", mode: "read" },
  { op: "lock", lock: "pte", addr },
  { op: "do", action: "installPte", addr },
  { op: "unlock", lock: "pte", addr },
  { op: "unlock", lock: "mmap", mode: "read" },
  { op: "vmaEndRead", addr },
]

/** The scenario, with its buggy variants. */
export const scenario: Scenario = {
  id: "page-fault",
  addr: ANON,
  title: "Page fault racing with mprotect",
  kernelPath: "do_user_addr_fault -> lock_vma_under_rcu / mmap_read_lock -> handle_mm_fault",
  rules: ["L2", "L9", "P3", "F3"],
  spec: world(task("fault", fault(ANON)), task("mprotect", mprotect(ANON))),
  variants: [
    {
      id: "no-fallback",
      title: "The fault ignores a failed lock_vma_under_rcu",
      spec: world(task("fault", faultNoFallback(ANON)), task("mprotect", mprotect(ANON))),
      expected: { rule: "P3", kind: "rule" },
    },
    {
      id: "mmap-under-vma",
      title: "The fault takes mmap_read_lock while holding the VMA read lock",
      spec: world(task("fault", faultMmapUnderVma(ANON)), task("mprotect", mprotect(ANON))),
      expected: { rule: "L9", kind: "rule" },
    },
  ],
}
