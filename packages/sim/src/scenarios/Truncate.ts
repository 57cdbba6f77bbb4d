/**
 * Scenario "truncate": truncation zaps a file range, finding the VMAs through the rmap, while the
 * kernel's munmap removes one of them. Kernel path: truncate_pagecache -> unmap_mapping_range ->
 * vma_interval_tree_foreach -> zap_page_range_single.
 *
 * The walker holds the i_mmap read lock, so every VMA it binds stays stable (L5) even after
 * munmap detached it; zapping it is safe (P4), and munmap's free_pgtables waits for the lock to
 * unlink the VMA from the tree (P7). A walker that installs instead is caught with P3.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type { Program } from "../Compile.js"
import { api, libfoo, mm, page, pgoff } from "./kernel.js"
import { munmap, truncate } from "./paths.js"
import { define, FILE } from "./Scenario.js"

const {
  iMmapLockRead,
  iMmapLockWrite,
  installNewPage,
  mmapReadLock,
  pteOffsetMapLock,
  vmaIntervalTreeForeach,
} = api

/** An rmap walk that wrongly installs a page in each VMA holding only the i_mmap lock (P3). */
// @ts-expect-error LockRequired<"MmapOrVmaLock", string>
const installWalk: Program = iMmapLockRead(libfoo, (locked) =>
  vmaIntervalTreeForeach(locked, pgoff(2048), pgoff(2559), (vma) =>
    pteOffsetMapLock(vma, page(FILE), (pte) => installNewPage(pte, page(FILE))),
  ),
)

/** A write path that takes i_mmap and then the mmap lock: against O1 (O3). */
// @ts-expect-error O3: lock inversion: mmap_lock is taken before i_mmap_rwsem
const inverted: Program = iMmapLockWrite(libfoo, () => mmapReadLock(mm, () => Effect.void))

/** The scenario, with its buggy variants. */
export const scenario = define({
  id: "truncate",
  addr: FILE,
  title: "Truncation zaps a file range through the rmap while munmap runs",
  kernelPath:
    "truncate_pagecache -> unmap_mapping_range -> vma_interval_tree_foreach -> zap_page_range_single",
  rules: ["P4", "P3", "P7", "O1", "O2", "O3", "L4", "L5"],
  paths: { truncate, munmap: munmap("file") },
  variants: [
    {
      id: "install-under-rmap",
      title: "An rmap walker that installs a page holding only the i_mmap lock",
      caught: "compile",
      paths: { truncate: installWalk, munmap: munmap("file") },
      expected: { rule: "P3", kind: "rule" },
    },
    {
      id: "lock-inversion",
      title: "A path taking i_mmap before the mmap lock",
      caught: "compile",
      paths: { writer: inverted, munmap: munmap("file") },
      expected: { rule: "O3", kind: "order" },
    },
  ],
})
