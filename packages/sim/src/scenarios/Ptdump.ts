/**
 * Scenario "ptdump": a walk of a user range no VMA need cover (walk_page_range_debug, used by
 * ptdump) racing munmap, which tears page tables down.
 * Kernel path: ptdump_walk_pgd -> walk_page_range_debug vs do_vmi_munmap.
 *
 * @since 0.2.0
 */
import * as paths from "./paths.js"
import { ANON, type Scenario, task, world } from "./Scenario.js"

/** The kernel's munmap of the anonymous VMA: it frees page tables under the downgraded lock. */
const munmap = paths.munmap("anon")

/** The scenario, with its buggy variants. */
export const scenario: Scenario = {
  id: "ptdump",
  addr: ANON,
  title: "ptdump walks page tables no VMA covers while munmap and truncation tear them down",
  kernelPath: "ptdump_walk_pgd -> walk_page_range_debug vs do_vmi_munmap",
  rules: ["P6", "P7"],
  spec: world(
    task("ptdump", paths.ptdump("write")),
    task("munmap", munmap),
    task("truncate", paths.truncate),
  ),
  variants: [
    {
      id: "mmap-read",
      title: "walk_page_range_debug under the mmap read lock",
      spec: world(task("ptdump", paths.ptdump("read")), task("munmap", munmap)),
      expected: { rule: "P6", kind: "rule" },
    },
  ],
}
