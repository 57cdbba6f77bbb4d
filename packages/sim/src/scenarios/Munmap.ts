/**
 * Scenario "munmap": the kernel's munmap racing a page fault. Kernel path: do_vmi_align_munmap -> vms_gather_munmap_vmas (vma_start_write, detach)
 * -> vms_complete_munmap_vmas (mmap_write_downgrade, vms_clear_ptes: unmap_vmas, free_pgtables).
 *
 * The page tables are freed under the downgraded read lock, which P7 (rev 2) accepts because the
 * VMA was detached under the write lock first; the fault finds no VMA once it is detached and
 * falls back. The same munmap races a non-VMA walker in scenario "ptdump" (P6) and an rmap
 * walker in scenario "truncate"; the sim tests race all of them at once.
 *
 * @since 0.1.0
 */
import { fault, munmap } from "./paths.js"
import { ANON, type Scenario, task, world } from "./Scenario.js"

/** The scenario, with its buggy variants. */
export const scenario: Scenario = {
  id: "munmap",
  addr: ANON,
  title: "munmap (downgraded) while another thread faults",
  kernelPath:
    "do_vmi_align_munmap -> vms_gather_munmap_vmas -> mmap_write_downgrade -> vms_clear_ptes (unmap_vmas, free_pgtables)",
  rules: ["L3", "V5", "V7", "P4", "P7"],
  spec: world(task("munmap", munmap("anon")), task("fault", fault(ANON))),
  variants: [
    {
      id: "no-zap",
      title: "free_pgtables before zapping the range",
      // The older write-locked form: the bug is the same under either lock.
      spec: world(task("munmap", munmap("anon", { downgrade: false, zap: false }))),
      expected: { rule: "P7", kind: "rule" },
    },
    {
      id: "free-attached",
      title: "Page tables freed under the downgraded lock while the VMA is still attached",
      spec: world(task("munmap", munmap("anon", { detach: false })), task("fault", fault(ANON))),
      expected: { rule: "P7", kind: "rule" },
    },
  ],
}
