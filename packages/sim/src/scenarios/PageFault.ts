/**
 * Scenario "page-fault": Page fault racing with mprotect.
 * Kernel path: do_user_addr_fault -> lock_vma_under_rcu / mmap_read_lock -> handle_mm_fault.
 *
 * @since 0.1.0
 */
import type { Vma } from "@mmguard/core"
import * as Effect from "effect/Effect"
import type { Program } from "../Compile.js"
import { api, misuse, mm, page } from "./kernel.js"
import { fault, mprotect } from "./paths.js"
import { ANON, define } from "./Scenario.js"

const { findVma, installNewPage, lockVmaUnderRcu, mmapReadLock, pteOffsetMapLock } = api
const addr = page(ANON)

/**
 * A fault that looked its VMA up beforehand under the mmap read lock and, when
 * lock_vma_under_rcu fails, installs anyway through that stale handle: it has left the scope
 * that kept it stable (L5), and the install holds no mmap or VMA lock (P3).
 */
// @ts-expect-error L5: a VMA handle is valid only inside the scope that keeps it stable
const lookedUp = mmapReadLock(mm, (lock) => findVma(lock, addr))
const faultNoFallback: Program = misuse(
  Effect.flatMap(lookedUp, (found) =>
    lockVmaUnderRcu(mm, addr, {
      onLocked: (vma) => pteOffsetMapLock(vma, addr, (pte) => installNewPage(pte, addr)),
      onFallback: () =>
        pteOffsetMapLock(found as Vma.Vma<"proc", unknown>, addr, (pte) =>
          installNewPage(pte, addr),
        ),
    }),
  ),
)

/** A fault that takes the mmap lock while holding the VMA read lock (L9). */
// @ts-expect-error L9: never take the mmap lock of proc while holding a VMA read lock of it
const faultMmapUnderVma: Program = lockVmaUnderRcu(mm, addr, {
  onLocked: (vma) =>
    mmapReadLock(mm, () => pteOffsetMapLock(vma, addr, (pte) => installNewPage(pte, addr))),
  onFallback: () => Effect.void,
})

/** The scenario, with its buggy variants. */
export const scenario = define({
  id: "page-fault",
  addr: ANON,
  title: "Page fault racing with mprotect",
  kernelPath: "do_user_addr_fault -> lock_vma_under_rcu / mmap_read_lock -> handle_mm_fault",
  rules: ["L2", "L9", "P3", "F3", "L1", "L6", "L10", "V1", "V3", "P8"],
  paths: { fault: fault(ANON), mprotect: mprotect(ANON) },
  variants: [
    {
      id: "no-fallback",
      title: "The fault ignores a failed lock_vma_under_rcu",
      caught: "compile",
      paths: { fault: faultNoFallback, mprotect: mprotect(ANON) },
      expected: { rule: "P3", kind: "rule" },
    },
    {
      id: "mmap-under-vma",
      title: "The fault takes mmap_read_lock while holding the VMA read lock",
      caught: "compile",
      paths: { fault: faultMmapUnderVma, mprotect: mprotect(ANON) },
      expected: { rule: "L9", kind: "rule" },
    },
  ],
})
