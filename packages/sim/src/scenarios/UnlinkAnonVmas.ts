/**
 * Scenario "unlink-anon-vmas": munmap detaches the VMA under the mmap write lock, downgrades,
 * zaps, and clears the detached VMA's anon_vma under the read lock (unlink_anon_vmas), while a
 * page fault looks the address up.
 * Kernel path: do_vmi_munmap -> mmap_write_downgrade -> unmap_region -> free_pgtables ->
 * unlink_anon_vmas vs do_user_addr_fault.
 *
 * @since 0.2.0
 */
import type { Step } from "../Program.js"
import { fault } from "./paths.js"
import { ANON, type Scenario, task, world } from "./Scenario.js"

/** anon_vma cleared under the anon_vma write lock and the mmap lock (read after a downgrade). */
const unlink = (detach: boolean): ReadonlyArray<Step> => [
  { op: "lock", lock: "mmap", mode: "write" },
  { op: "vmaStartWrite", addr: ANON },
  ...(detach ? [{ op: "do", action: "detachVma", addr: ANON } as const] : []),
  { op: "mmapWriteDowngrade" },
  { op: "do", action: "zapRange", addr: 512, end: 1024 },
  { op: "lock", lock: "anonVma", addr: ANON, mode: "write" },
  { op: "do", action: "clearAnonVma", addr: ANON },
  { op: "unlock", lock: "anonVma", addr: ANON, mode: "write" },
  { op: "unlock", lock: "mmap", mode: "read" },
]

/** The scenario, with its buggy variants. */
export const scenario: Scenario = {
  id: "unlink-anon-vmas",
  addr: ANON,
  title: "munmap clears a detached VMA's anon_vma under the downgraded mmap lock",
  kernelPath: "do_vmi_munmap -> mmap_write_downgrade -> free_pgtables -> unlink_anon_vmas",
  rules: ["F9", "V5", "V2"],
  spec: world(task("munmap", unlink(true)), task("fault", fault(ANON))),
  variants: [
    {
      id: "attached",
      title: "anon_vma cleared under the read lock on a VMA still attached",
      spec: world(task("munmap", unlink(false))),
      expected: { rule: "F9", kind: "rule" },
    },
  ],
}
