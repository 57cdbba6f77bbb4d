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
import type { Step } from "../Program.js"
import { fileRmapWalk, munmap, truncateWalk } from "./paths.js"
import { FILE, type Scenario, task, world } from "./Scenario.js"

/** An rmap walk that wrongly installs a page in each VMA holding only the i_mmap lock (P3). */
const installWalk: ReadonlyArray<Step> = fileRmapWalk([
  { op: "lock", lock: "pte", addr: FILE },
  { op: "do", action: "installPte", addr: FILE },
  { op: "unlock", lock: "pte", addr: FILE },
])

/** A write path that takes i_mmap and then the mmap lock: against O1 (O3). */
const inverted: ReadonlyArray<Step> = [
  { op: "lock", lock: "iMmap", file: "libfoo", mode: "write" },
  { op: "lock", lock: "mmap", mode: "read" },
  { op: "unlock", lock: "mmap", mode: "read" },
  { op: "unlock", lock: "iMmap", file: "libfoo", mode: "write" },
]

/** The scenario, with its buggy variants. */
export const scenario: Scenario = {
  id: "truncate",
  addr: FILE,
  title: "Truncation zaps a file range through the rmap while munmap runs",
  kernelPath:
    "truncate_pagecache -> unmap_mapping_range -> vma_interval_tree_foreach -> zap_page_range_single",
  rules: ["P4", "P3", "P7", "O1", "O2", "O3", "L4", "L5"],
  spec: world(task("truncate", truncateWalk), task("munmap", munmap("file"))),
  variants: [
    {
      id: "install-under-rmap",
      title: "An rmap walker that installs a page holding only the i_mmap lock",
      spec: world(task("truncate", installWalk), task("munmap", munmap("file"))),
      expected: { rule: "P3", kind: "rule" },
    },
    {
      id: "lock-inversion",
      title: "A path taking i_mmap before the mmap lock",
      spec: world(task("writer", inverted), task("munmap", munmap("file"))),
      expected: { rule: "O3", kind: "order" },
    },
  ],
}
