/**
 * Scenario "unlink-anon-vmas": munmap detaches the VMA under the mmap write lock, downgrades,
 * zaps, and clears the detached VMA's anon_vma under the read lock (unlink_anon_vmas), while a
 * page fault looks the address up.
 * Kernel path: do_vmi_munmap -> mmap_write_downgrade -> unmap_region -> free_pgtables ->
 * unlink_anon_vmas vs do_user_addr_fault.
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import type { Program } from "../Compile.js"
import { api, mm, page } from "./kernel.js"
import { fault } from "./paths.js"
import { ANON, define } from "./Scenario.js"

const {
  anonVmaLockWrite,
  anonVmaOf,
  clearAnonVma,
  detachVma,
  downgradePhases,
  findVma,
  mmapWriteDowngrade,
  unlinkAnonVmas,
  vmaStartWrite,
  zapRange,
} = api

/**
 * anon_vma cleared under the anon_vma write lock and the downgraded mmap lock, with the proof
 * that the VMA was detached under the write lock first (F9's exception needs it).
 */
const unlink: Program = mmapWriteDowngrade(mm, (lock) =>
  downgradePhases(
    Effect.gen(function* () {
      const vma = yield* findVma(lock, page(ANON))
      const detached = yield* vmaStartWrite(vma, detachVma(vma))
      return { vma, detached }
    }),
    ({ vma, detached }) =>
      Effect.gen(function* () {
        yield* zapRange(vma, page(512), page(1024))
        if (!api.Vma.hasKind(vma, "anonymous")) return
        const av = yield* anonVmaOf(vma)
        yield* anonVmaLockWrite(av, () => unlinkAnonVmas(vma, detached))
      }),
  ),
)

/** The same on a VMA never detached: its anon_vma needs the mmap write lock (F9). */
// @ts-expect-error LockRequired<"MmapWriteLock", "proc">
const attached: Program = mmapWriteDowngrade(mm, (lock) =>
  downgradePhases(
    Effect.flatMap(findVma(lock, page(ANON)), (vma) => vmaStartWrite(vma, Effect.succeed(vma))),
    (vma) =>
      Effect.gen(function* () {
        yield* zapRange(vma, page(512), page(1024))
        if (!api.Vma.hasKind(vma, "anonymous")) return
        const av = yield* anonVmaOf(vma)
        yield* anonVmaLockWrite(av, () => clearAnonVma(vma))
      }),
  ),
)

/** The scenario, with its buggy variants. */
export const scenario = define({
  id: "unlink-anon-vmas",
  addr: ANON,
  title: "munmap clears a detached VMA's anon_vma under the downgraded mmap lock",
  kernelPath: "do_vmi_munmap -> mmap_write_downgrade -> free_pgtables -> unlink_anon_vmas",
  rules: ["F9", "V5", "V2"],
  paths: { munmap: unlink, fault: fault(ANON) },
  variants: [
    {
      id: "attached",
      title: "anon_vma cleared under the read lock on a VMA still attached",
      caught: "compile",
      paths: { munmap: attached },
      expected: { rule: "F9", kind: "rule" },
    },
  ],
})
