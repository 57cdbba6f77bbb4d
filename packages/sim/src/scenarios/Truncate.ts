/**
 * Scenario "truncate": Truncation zaps a file range.
 * Kernel path: truncate_pagecache -> unmap_mapping_range -> zap_page_range_single.
 *
 * @since 0.1.0
 */
import type { Step } from "../Program.js"
import { fault, truncate } from "./paths.js"
import { FILE, type Scenario, task, world } from "./Scenario.js"

/** A truncation path that wrongly re-installs a page holding only the i_mmap lock (P3). */
const truncateInstall: ReadonlyArray<Step> = [
  { op: "lock", lock: "iMmap", file: "libfoo", mode: "read" },
  { op: "lock", lock: "pte", addr: FILE },
  { op: "do", action: "installPte", addr: FILE },
  { op: "unlock", lock: "pte", addr: FILE },
  { op: "unlock", lock: "iMmap", file: "libfoo", mode: "read" },
]

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
  title: "Truncation zaps a file range",
  kernelPath: "truncate_pagecache -> unmap_mapping_range -> zap_page_range_single",
  rules: ["P4", "P3", "O1"],
  spec: world(task("truncate", truncate), task("fault", fault(FILE))),
  variants: [
    {
      id: "install-under-rmap",
      title: "A page installed holding only the i_mmap lock",
      spec: world(task("truncate", truncateInstall)),
      expected: { rule: "P3", kind: "rule" },
    },
    {
      id: "lock-inversion",
      title: "A path taking i_mmap before the mmap lock",
      spec: world(task("writer", inverted), task("fault", fault(FILE))),
      expected: { rule: "O3", kind: "order" },
    },
  ],
}
