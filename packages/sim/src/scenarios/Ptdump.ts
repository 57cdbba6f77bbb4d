/**
 * Scenario "ptdump": a walk of a user range no VMA need cover (walk_page_range_debug, used by
 * ptdump) racing munmap, which tears page tables down.
 * Kernel path: ptdump_walk_pgd -> walk_page_range_debug vs do_vmi_munmap.
 *
 * @since 0.2.0
 */
import type { Step } from "../Program.js"
import { truncate } from "./paths.js"
import { ANON, type Scenario, task, world } from "./Scenario.js"

/** ptdump: the whole low range walked under the mmap lock in `mode` (write is right, P6). */
const ptdump = (mode: "read" | "write"): ReadonlyArray<Step> => [
  { op: "lock", lock: "mmap", mode },
  { op: "do", action: "walkNoVma", addr: 0, end: 16384 },
  { op: "unlock", lock: "mmap", mode },
]

/** munmap of the anonymous VMA, detached and torn down under the mmap write lock. */
const munmap: ReadonlyArray<Step> = [
  { op: "lock", lock: "mmap", mode: "write" },
  { op: "vmaStartWrite", addr: ANON },
  { op: "do", action: "detachVma", addr: ANON },
  { op: "do", action: "zapRange", addr: 512, end: 1024 },
  { op: "do", action: "freePgtables", addr: 512, end: 1024 },
  { op: "unlock", lock: "mmap", mode: "write" },
]

/** The scenario, with its buggy variants. */
export const scenario: Scenario = {
  id: "ptdump",
  addr: ANON,
  title: "ptdump walks page tables no VMA covers while munmap and truncation tear them down",
  kernelPath: "ptdump_walk_pgd -> walk_page_range_debug vs do_vmi_munmap",
  rules: ["P6", "P7"],
  spec: world(task("ptdump", ptdump("write")), task("munmap", munmap), task("truncate", truncate)),
  variants: [
    {
      id: "mmap-read",
      title: "walk_page_range_debug under the mmap read lock",
      spec: world(task("ptdump", ptdump("read")), task("munmap", munmap)),
      expected: { rule: "P6", kind: "rule" },
    },
  ],
}
