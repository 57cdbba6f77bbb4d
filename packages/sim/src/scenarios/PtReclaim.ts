/**
 * Scenario "pt-reclaim": MADV_DONTNEED zaps a range and frees the PTE table it left empty
 * (PT_RECLAIM, RCU-deferred) while a walker reads that table under RCU.
 * Kernel path: madvise_dontneed -> zap_pte_range -> try_to_free_pte (mm/pt_reclaim.c) vs
 * pte_offset_map + ptep_get.
 *
 * @since 0.2.0
 */
import type { MappedPte } from "@mmguard/core"
import * as Effect from "effect/Effect"
import type { Program } from "../Compile.js"
import { api, misuse, mm, page } from "./kernel.js"
import { define } from "./Scenario.js"

const {
  findVma,
  mmapReadLock,
  pmdLock,
  pteOffsetMapLock,
  pteOffsetMapRwNolock,
  readPte,
  reclaimPteTable,
  walkLockless,
  zapRange,
} = api
const PAGE = 512
const table = page(PAGE)

/** The zap under the mmap read lock (P4), then the empty table freed under PMD + PTE lock. */
const dontneed: Program = mmapReadLock(mm, (lock) =>
  Effect.flatMap(findVma(lock, table), (vma) =>
    Effect.andThen(
      zapRange(vma, page(512), page(1024)),
      pmdLock(vma, table, (pmd) =>
        pteOffsetMapLock(vma, table, (pte) => reclaimPteTable(pmd, pte)),
      ),
    ),
  ),
)

/** A walker that maps the PTE table under RCU, walks it locklessly and reads an entry. */
const walker: Program = mmapReadLock(mm, (lock) =>
  Effect.flatMap(findVma(lock, table), (vma) =>
    pteOffsetMapRwNolock(vma, table, {
      onMapped: (pte) => Effect.andThen(walkLockless(mm, table), readPte(pte, table)),
      onNone: () => Effect.void,
    }),
  ),
)

/** The same walker reading the entry after pte_unmap, outside RCU: the table may be gone. */
const useAfterRcu: Program = misuse(
  mmapReadLock(mm, (lock) =>
    Effect.flatMap(findVma(lock, table), (vma) =>
      Effect.flatMap(
        pteOffsetMapRwNolock(vma, table, {
          // @ts-expect-error P10: this PTE table is mapped under RCU (pte_offset_map)
          onMapped: (pte) => Effect.as(walkLockless(mm, table), pte),
          onNone: () => Effect.succeed(undefined),
        }),
        (pte) => (pte ? readPte(pte as MappedPte<"proc", unknown>, table) : Effect.void),
      ),
    ),
  ),
)

/** The scenario, with its buggy variants. */
export const scenario = define({
  id: "pt-reclaim",
  addr: PAGE,
  title: "A zap frees the PTE table it emptied while walkers read it under RCU",
  kernelPath: "zap_pte_range -> try_to_free_pte (PT_RECLAIM) vs pte_offset_map + ptep_get",
  rules: ["P17", "P4", "P13", "P10"],
  paths: { dontneed, walker },
  variants: [
    {
      id: "use-after-rcu",
      title: "The walker reads the table after leaving RCU",
      caught: "compile",
      paths: { dontneed, walker: useAfterRcu },
      expected: { rule: "P17", kind: "rule" },
    },
  ],
})
