/**
 * Scenario "mprotect": mprotect changes vm_flags.
 * Kernel path: do_mprotect_pkey -> mprotect_fixup -> vm_flags_reset.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type { Program } from "../Compile.js"
import { api, mm, page } from "./kernel.js"
import { fault, mprotect } from "./paths.js"
import { ANON, define } from "./Scenario.js"

/** mprotect under the mmap read lock: no VMA write lock can be had there either (F3). */
// @ts-expect-error LockRequired<"MmapWriteLock", "proc">
const underRead: Program = api.mmapReadLock(mm, (lock) =>
  Effect.flatMap(api.findVma(lock, page(ANON)), (vma) => api.writeVma(vma, "vm_flags", ["read"])),
)

/** The scenario, with its buggy variants. */
export const scenario = define({
  id: "mprotect",
  addr: ANON,
  title: "mprotect changes vm_flags",
  kernelPath: "do_mprotect_pkey -> mprotect_fixup -> vm_flags_reset",
  rules: ["F3", "L3", "L7", "L8", "V2"],
  paths: { mprotect: mprotect(ANON), fault: fault(ANON) },
  variants: [
    {
      id: "mmap-read",
      title: "vm_flags written under the mmap read lock",
      caught: "compile",
      paths: { mprotect: underRead },
      expected: { rule: "F3", kind: "rule" },
    },
  ],
})
