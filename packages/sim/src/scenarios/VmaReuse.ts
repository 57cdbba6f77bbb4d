/**
 * Scenario "vma-reuse": a page fault's lock_vma_under_rcu races munmap, which frees the VMA,
 * and a new mmap that gets the same VMA object (SLAB_TYPESAFE_BY_RCU) for another range.
 * Kernel path: lock_vma_under_rcu (mas_walk, vma_start_read, re-check) vs do_vmi_munmap ->
 * vm_area_free vs mmap_region -> vm_area_alloc.
 *
 * @since 0.2.0
 */
import type { Step } from "../Program.js"
import { fault } from "./paths.js"
import { ANON, type Scenario, task, world } from "./Scenario.js"

/**
 * munmap of the anonymous VMA, to the end (detach, which waits for readers; zap; free tables and
 * the VMA), then an mmap of a new range, which gets the freed VMA object.
 */
const munmapThenMmap: ReadonlyArray<Step> = [
  { op: "lock", lock: "mmap", mode: "write" },
  { op: "vmaStartWrite", addr: ANON },
  { op: "do", action: "detachVma", addr: ANON },
  { op: "do", action: "zapRange", addr: 512, end: 1024 },
  { op: "do", action: "freePgtables", addr: 512, end: 1024 },
  { op: "do", action: "freeVma", addr: ANON },
  { op: "unlock", lock: "mmap", mode: "write" },
  { op: "lock", lock: "mmap", mode: "write" },
  { op: "do", action: "mapVma", addr: 4096, end: 4608 },
  { op: "unlock", lock: "mmap", mode: "write" },
]

/** The scenario, with its buggy variants. */
export const scenario: Scenario = {
  id: "vma-reuse",
  addr: ANON,
  title: "A fault's VMA is freed and reused for a new mmap before it is locked",
  kernelPath:
    "lock_vma_under_rcu (mas_walk, vma_start_read, re-check) vs munmap -> vm_area_free vs mmap_region",
  rules: ["V7", "V3", "V4", "L2"],
  spec: world(task("fault", fault(ANON)), task("munmap+mmap", munmapThenMmap)),
  variants: [
    {
      id: "no-recheck",
      title: "lock_vma_under_rcu without the re-check after locking",
      spec: world(task("fault", fault(ANON, false)), task("munmap+mmap", munmapThenMmap)),
      expected: { rule: "V7", kind: "rule" },
    },
  ],
}
