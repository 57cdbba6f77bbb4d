/**
 * Scenario "userfaultfd": UFFDIO_REGISTER sets vm_uffd_state while a UFFDIO_MOVE locks the VMA
 * with vma_start_read_locked under the mmap read lock.
 * Kernel path: userfaultfd_register -> vma_start_write -> vm_uffd_state vs uffd_move_lock ->
 * vma_start_read_locked.
 *
 * @since 0.2.0
 */
import type { Vma } from "@mmguard/core"
import * as Effect from "effect/Effect"
import type { Program } from "../Compile.js"
import { api, misuse, mm, page } from "./kernel.js"
import { ANON, define } from "./Scenario.js"

const {
  findVma,
  installNewPage,
  mmapReadLock,
  mmapWriteLock,
  pteOffsetMapLock,
  vmaStartReadLocked,
  vmaStartWrite,
  writeVma,
} = api
const addr = page(ANON)

/** UFFDIO_REGISTER: vm_uffd_state under mmap write + VMA write (F5). */
const register: Program = mmapWriteLock(mm, (lock) =>
  Effect.flatMap(findVma(lock, addr), (vma) =>
    vmaStartWrite(vma, writeVma(vma, "vm_uffd_state", "missing")),
  ),
)

/** UFFDIO_REGISTER under the mmap read lock (F5). */
// @ts-expect-error LockRequired<"MmapWriteLock", "proc">
const registerUnderRead: Program = mmapReadLock(mm, (lock) =>
  Effect.flatMap(findVma(lock, addr), (vma) => writeVma(vma, "vm_uffd_state", "missing")),
)

/**
 * UFFDIO_MOVE's VMA lock fallback: find the VMA under the mmap read lock, read-lock it with
 * vma_start_read_locked (V8), and move the page under the VMA read lock.
 */
const move: Program = mmapReadLock(mm, (lock) =>
  Effect.flatMap(findVma(lock, addr), (vma) =>
    vmaStartReadLocked(vma, {
      onLocked: (locked) => pteOffsetMapLock(locked, addr, (pte) => installNewPage(pte, addr)),
      onFailed: () => Effect.void,
    }),
  ),
)

/** vma_start_read_locked on a VMA found under an mmap read lock already dropped (V8). */
// @ts-expect-error L5: a VMA handle is valid only inside the scope that keeps it stable
const lookedUp = mmapReadLock(mm, (lock) => findVma(lock, addr))
const readLockedWithoutMmap: Program = misuse(
  Effect.flatMap(lookedUp, (found) =>
    vmaStartReadLocked(found as Vma.Vma<"proc", unknown>, {
      onLocked: (locked) => pteOffsetMapLock(locked, addr, (pte) => installNewPage(pte, addr)),
      onFailed: () => Effect.void,
    }),
  ),
)

/** The scenario, with its buggy variants. */
export const scenario = define({
  id: "userfaultfd",
  addr: ANON,
  title: "userfaultfd registers a range while a move read-locks its VMA",
  kernelPath:
    "userfaultfd_register -> vm_uffd_state vs uffd_move_lock -> vma_start_read_locked (mm/userfaultfd.c)",
  rules: ["F5", "V8", "L9"],
  paths: { register, move },
  variants: [
    {
      id: "register-mmap-read",
      title: "vm_uffd_state written under the mmap read lock",
      caught: "compile",
      paths: { register: registerUnderRead },
      expected: { rule: "F5", kind: "rule" },
    },
    {
      id: "read-locked-without-mmap",
      title: "vma_start_read_locked without the mmap read lock",
      caught: "compile",
      paths: { move: readLockedWithoutMmap },
      expected: { rule: "V8", kind: "rule" },
    },
  ],
})
