/**
 * Scenario "userfaultfd": UFFDIO_REGISTER sets vm_uffd_state while a UFFDIO_MOVE locks the VMA
 * with vma_start_read_locked under the mmap read lock, then drops the mmap lock.
 * Kernel path: userfaultfd_register -> vma_start_write -> vm_uffd_state vs uffd_move_lock ->
 * vma_start_read_locked.
 *
 * @since 0.2.0
 */
import type { Step } from "../Program.js"
import { ANON, type Scenario, task, world } from "./Scenario.js"

/** UFFDIO_REGISTER: vm_uffd_state under mmap write + VMA write (F5). */
const register = (mode: "read" | "write"): ReadonlyArray<Step> => [
  { op: "lock", lock: "mmap", mode },
  ...(mode === "write" ? [{ op: "vmaStartWrite", addr: ANON } as const] : []),
  { op: "writeVma", addr: ANON, field: "vm_uffd_state", value: "missing" },
  { op: "unlock", lock: "mmap", mode },
]

/**
 * UFFDIO_MOVE's VMA lock fallback: find the VMA under the mmap read lock, read-lock it with
 * vma_start_read_locked (V8), drop the mmap lock and work under the VMA lock alone.
 */
const move = (mmap: boolean): ReadonlyArray<Step> => [
  ...(mmap ? [{ op: "lock", lock: "mmap", mode: "read" } as const] : []),
  ...(mmap ? [{ op: "findVma", addr: ANON, onFail: "unlock" } as const] : []),
  { op: "vmaStartReadLocked", addr: ANON, onFail: "unlock" },
  ...(mmap ? [{ op: "unlock", lock: "mmap", mode: "read" } as const] : []),
  { op: "lock", lock: "pte", addr: ANON },
  { op: "do", action: "installPte", addr: ANON },
  { op: "unlock", lock: "pte", addr: ANON },
  { op: "vmaEndRead", addr: ANON },
  { op: "goto", to: "end" },
  mmap
    ? { op: "unlock", lock: "mmap", mode: "read", label: "unlock" }
    : { op: "goto", to: "end", label: "unlock" },
]

/** The scenario, with its buggy variants. */
export const scenario: Scenario = {
  id: "userfaultfd",
  addr: ANON,
  title: "userfaultfd registers a range while a move read-locks its VMA",
  kernelPath:
    "userfaultfd_register -> vm_uffd_state vs uffd_move_lock -> vma_start_read_locked (mm/userfaultfd.c)",
  rules: ["F5", "V8", "L9"],
  spec: world(task("register", register("write")), task("move", move(true))),
  variants: [
    {
      id: "register-mmap-read",
      title: "vm_uffd_state written under the mmap read lock",
      spec: world(task("register", register("read"))),
      expected: { rule: "F5", kind: "rule" },
    },
    {
      id: "read-locked-without-mmap",
      title: "vma_start_read_locked without the mmap read lock",
      spec: world(task("move", move(false))),
      expected: { rule: "V8", kind: "rule" },
    },
  ],
}
