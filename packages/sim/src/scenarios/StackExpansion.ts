/**
 * Scenario "stack-expansion": The stack grows down while a fault runs.
 * Kernel path: expand_downwards -> vma_start_write -> anon_vma_lock_write.
 *
 * @since 0.1.0
 */
import type { Step } from "../Program.js"
import { fault } from "./paths.js"
import { type Scenario, STACK, task, world } from "./Scenario.js"

/** expand_downwards: vm_start moves under mmap + VMA write and the anon_vma lock (V6, F1). */
const expandStack = (vmaWrite: boolean): ReadonlyArray<Step> => [
  { op: "lock", lock: "mmap", mode: "write" },
  ...(vmaWrite ? [{ op: "vmaStartWrite", addr: STACK } as const] : []),
  { op: "lock", lock: "anonVma", addr: STACK, mode: "write" },
  { op: "writeVma", addr: STACK, field: "vm_start", value: 8000 },
  { op: "unlock", lock: "anonVma", addr: STACK, mode: "write" },
  { op: "unlock", lock: "mmap", mode: "write" },
]

/** The scenario, with its buggy variants. */
export const scenario: Scenario = {
  id: "stack-expansion",
  addr: STACK,
  title: "The stack grows down while a fault runs",
  kernelPath: "expand_downwards -> vma_start_write -> anon_vma_lock_write",
  rules: ["V6", "F1"],
  spec: world(task("expand", expandStack(true)), task("fault", fault(STACK))),
  variants: [
    {
      id: "no-vma-write",
      title: "vm_start moved without vma_start_write",
      spec: world(task("expand", expandStack(false))),
      expected: { rule: "F1", kind: "rule" },
    },
  ],
}
