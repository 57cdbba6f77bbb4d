/**
 * Scenario "anon-vma-prepare": First fault of a private file page sets anon_vma.
 * Kernel path: do_anonymous_page / do_cow_fault -> anon_vma_prepare.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type { Program } from "../Compile.js"
import { api, mm, page } from "./kernel.js"
import { truncate } from "./paths.js"
import { define, FILE } from "./Scenario.js"

const { findVma, mmapReadLock, mmPageTableLock, setAnonVma } = api

/** anon_vma_prepare on a first fault: anon_vma set under mmap read + page_table_lock (F9). */
const prepare: Program = mmapReadLock(mm, (lock) =>
  Effect.flatMap(findVma(lock, page(FILE)), (vma) => mmPageTableLock(mm, setAnonVma(vma))),
)

/** The same without mm->page_table_lock: two first faults may both set it. */
// @ts-expect-error LockRequired<"MmPageTableLock", "proc">
const noPageTableLock: Program = mmapReadLock(mm, (lock) =>
  Effect.flatMap(findVma(lock, page(FILE)), (vma) => setAnonVma(vma)),
)

/** The scenario, with its buggy variants. */
export const scenario = define({
  id: "anon-vma-prepare",
  addr: FILE,
  title: "First fault of a private file page sets anon_vma",
  kernelPath: "do_anonymous_page / do_cow_fault -> anon_vma_prepare",
  rules: ["F9"],
  paths: { prepare, truncate },
  variants: [
    {
      id: "no-page-table-lock",
      title: "anon_vma set without mm->page_table_lock",
      caught: "compile",
      paths: { prepare: noPageTableLock },
      expected: { rule: "F9", kind: "rule" },
    },
  ],
})
