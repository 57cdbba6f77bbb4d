/**
 * Scenario "munmap": the kernel's munmap of the file VMA racing a page fault on it, an rmap
 * walker of the file (truncation) and the non-VMA walker of ptdump. Kernel path: do_vmi_align_munmap -> vms_gather_munmap_vmas
 * (vma_start_write, detach) -> vms_complete_munmap_vmas (mmap_write_downgrade, vms_clear_ptes:
 * unmap_vmas, free_pgtables).
 *
 * The page tables are freed under the downgraded read lock, which P7 (rev 2) accepts because the
 * VMA was detached under the write lock first; the fault finds no VMA once it is detached and
 * falls back; the truncation walks the file's rmap tree, ptdump walks under the write lock (P6).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type { Program } from "../Compile.js"
import { api, mm, page } from "./kernel.js"
import { fault, munmap, ptdump, truncate } from "./paths.js"
import { ANON, define, FILE } from "./Scenario.js"

const {
  detachVma,
  downgradePhases,
  findVma,
  freePgtables,
  mmapWriteDowngrade,
  mmapWriteLock,
  vmaStartWrite,
} = api
const [start, end] = [page(512), page(1024)]

/** The older write-locked munmap that frees the page tables without zapping the range first. */
const noZap: Program = mmapWriteLock(mm, (lock) =>
  Effect.gen(function* () {
    const vma = yield* findVma(lock, start)
    yield* vmaStartWrite(vma, detachVma(vma))
    yield* freePgtables(lock, start, end)
  }),
)

/** The downgraded munmap that never detaches: the tables go while the VMA is reachable (P7). */
// @ts-expect-error LockRequired<"MmapWriteOrDetached", "proc">
const freeAttached: Program = mmapWriteDowngrade(mm, (lock) =>
  downgradePhases(
    Effect.flatMap(findVma(lock, start), (vma) => vmaStartWrite(vma, Effect.succeed(vma))),
    (vma) => Effect.andThen(api.zapRange(vma, start, end), freePgtables(lock, start, end)),
  ),
)

/** The scenario, with its buggy variants. */
export const scenario = define({
  id: "munmap",
  addr: FILE,
  title: "munmap (downgraded) while a fault, truncation and ptdump run",
  kernelPath:
    "do_vmi_align_munmap -> vms_gather_munmap_vmas -> mmap_write_downgrade -> vms_clear_ptes (unmap_vmas, free_pgtables)",
  rules: ["L3", "V5", "V7", "P4", "P7", "P6"],
  paths: { munmap: munmap("file"), fault: fault(FILE), truncate, ptdump },
  variants: [
    {
      id: "no-zap",
      title: "free_pgtables before zapping the range",
      caught: "run",
      paths: { munmap: noZap },
      expected: { rule: "P7", kind: "rule" },
    },
    {
      id: "free-attached",
      title: "Page tables freed under the downgraded lock while the VMA is still attached",
      caught: "compile",
      paths: { munmap: freeAttached, fault: fault(ANON) },
      expected: { rule: "P7", kind: "rule" },
    },
  ],
})
