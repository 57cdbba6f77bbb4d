/**
 * Scenario "munmap": munmap while another thread faults.
 * Kernel path: do_vmi_munmap -> vma_start_write -> unmap_region (unmap_vmas, free_pgtables).
 *
 * @since 0.1.0
 */
import type { Step } from "../Program.js"
import { fault } from "./paths.js"
import { ANON, FILE, type Scenario, task, world } from "./Scenario.js"

/** munmap: detach, zap, free_pgtables under mmap write + VMA write (L3, P4, P7). */
const munmap = (zap: boolean): ReadonlyArray<Step> => [
  { op: "lock", lock: "mmap", mode: "write" },
  { op: "vmaStartWrite", addr: ANON },
  { op: "do", action: "detachVma", addr: ANON },
  ...(zap ? [{ op: "do", action: "zapRange", addr: 512, end: 1024 } as const] : []),
  { op: "do", action: "freePgtables", addr: 512, end: 1024 },
  { op: "unlock", lock: "mmap", mode: "write" },
]

/** The scenario, with its buggy variants. */
export const scenario: Scenario = {
  id: "munmap",
  addr: ANON,
  title: "munmap while another thread faults",
  kernelPath: "do_vmi_munmap -> vma_start_write -> unmap_region (unmap_vmas, free_pgtables)",
  rules: ["L3", "P4", "P7"],
  spec: world(task("munmap", munmap(true)), task("fault", fault(FILE))),
  variants: [
    {
      id: "no-zap",
      title: "free_pgtables before zapping the range",
      spec: world(task("munmap", munmap(false))),
      expected: { rule: "P7", kind: "rule" },
    },
  ],
}
