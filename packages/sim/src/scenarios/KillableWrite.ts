/**
 * Scenario "killable-write": a VMA write lock taken with vma_start_write_killable while a page
 * fault holds the VMA's read lock; a fatal signal may end the wait.
 * Kernel path: vma_start_write_killable (-EINTR on a fatal signal) vs lock_vma_under_rcu.
 *
 * @since 0.2.0
 */
import type { Step } from "../Program.js"
import { fault } from "./paths.js"
import { ANON, type Scenario, STACK, task, world } from "./Scenario.js"

/**
 * A writer that write-locks the stack VMA, then the anonymous one killably. On -EINTR it still
 * holds the mmap write lock and the stack VMA's write lock, and puts the stack VMA's flags
 * back (its error path); with `checked` false it ignores the result and writes anyway.
 */
const writer = (checked: boolean): ReadonlyArray<Step> => [
  { op: "lock", lock: "mmap", mode: "write" },
  { op: "vmaStartWrite", addr: STACK },
  { op: "writeVma", addr: STACK, field: "vm_flags", value: ["read"] },
  { op: "vmaStartWriteKillable", addr: ANON, ...(checked ? { onFail: "eintr" } : {}) },
  { op: "writeVma", addr: ANON, field: "vm_flags", value: ["read"] },
  { op: "goto", to: "unlock" },
  { op: "writeVma", addr: STACK, field: "vm_flags", value: ["read", "write"], label: "eintr" },
  { op: "unlock", lock: "mmap", mode: "write", label: "unlock" },
]

/** The scenario, with its buggy variants. */
export const scenario: Scenario = {
  id: "killable-write",
  addr: ANON,
  title: "vma_start_write_killable waits for a fault and may be killed",
  kernelPath: "vma_start_write_killable (returns -EINTR) vs do_user_addr_fault",
  rules: ["L11", "V4", "L3"],
  spec: world(task("writer", writer(true)), task("fault", fault(ANON))),
  variants: [
    {
      id: "ignore-eintr",
      title: "The result of vma_start_write_killable ignored: the VMA is written unlocked",
      spec: world(task("writer", writer(false)), task("fault", fault(ANON))),
      expected: { rule: "L11", kind: "rule" },
    },
  ],
}
