/**
 * Scenario "mprotect": mprotect changes vm_flags.
 * Kernel path: do_mprotect_pkey -> mprotect_fixup -> vm_flags_reset.
 *
 * @since 0.1.0
 */
import { fault, mprotect } from "./paths.js"
import { ANON, type Scenario, task, world } from "./Scenario.js"

/** The scenario, with its buggy variants. */
export const scenario: Scenario = {
  id: "mprotect",
  addr: ANON,
  title: "mprotect changes vm_flags",
  kernelPath: "do_mprotect_pkey -> mprotect_fixup -> vm_flags_reset",
  rules: ["F3", "L3"],
  spec: world(task("mprotect", mprotect(ANON)), task("fault", fault(ANON))),
  variants: [
    {
      id: "mmap-read",
      title: "vm_flags written under the mmap read lock",
      spec: world(task("mprotect", mprotect(ANON, "read"))),
      expected: { rule: "F3", kind: "rule" },
    },
  ],
}
