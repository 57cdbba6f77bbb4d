/**
 * Scenario "vma-reuse": a page fault's lock_vma_under_rcu races munmap, which frees the VMA,
 * and a new mmap that gets the same VMA object (SLAB_TYPESAFE_BY_RCU) for another range.
 * Kernel path: lock_vma_under_rcu (mas_walk, vma_start_read, re-check) vs do_vmi_munmap ->
 * vm_area_free vs mmap_region -> vm_area_alloc.
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import type { Program } from "../Compile.js"
import { api, mm, page } from "./kernel.js"
import { fault } from "./paths.js"
import { ANON, define } from "./Scenario.js"

const {
  detachVma,
  findVma,
  freePgtables,
  mmapRegion,
  mmapWriteLock,
  vmAreaFree,
  vmaStartWrite,
  zapRange,
} = api
const [start, end] = [page(512), page(1024)]

/**
 * munmap of the anonymous VMA, to the end (detach, which waits for readers; zap; free tables and
 * the VMA), then an mmap of a new range, which gets the freed VMA object.
 */
const munmapThenMmap: Program = Effect.andThen(
  mmapWriteLock(mm, (lock) =>
    Effect.gen(function* () {
      const vma = yield* findVma(lock, page(ANON))
      const detached = yield* vmaStartWrite(vma, detachVma(vma))
      yield* zapRange(vma, start, end)
      yield* freePgtables(lock, start, end, detached)
      yield* vmAreaFree(detached)
    }),
  ),
  mmapWriteLock(mm, (lock) => mmapRegion(lock, page(4096), page(4608))),
)

/** The scenario, with its buggy variants. */
export const scenario = define({
  id: "vma-reuse",
  addr: ANON,
  title: "A fault's VMA is freed and reused for a new mmap before it is locked",
  kernelPath:
    "lock_vma_under_rcu (mas_walk, vma_start_read, re-check) vs munmap -> vm_area_free vs mmap_region",
  rules: ["V7", "V3", "V4", "L2"],
  paths: { fault: fault(ANON), "munmap+mmap": munmapThenMmap },
  variants: [
    {
      id: "no-recheck",
      title: "lock_vma_under_rcu without the re-check after locking",
      // The same fault on a kernel whose lock_vma_under_rcu skips its re-check (V7): a bug in
      // the primitive, which no caller's source shows.
      caught: "run",
      paths: { fault: fault(ANON), "munmap+mmap": munmapThenMmap },
      build: { primitives: { recheck: false } },
      expected: { rule: "V7", kind: "rule" },
    },
  ],
})
