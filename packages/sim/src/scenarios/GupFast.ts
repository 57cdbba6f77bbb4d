/**
 * Scenario "gup-fast": GUP-fast walks without locks.
 * Kernel path: get_user_pages_fast -> gup_fast (lockless walk).
 *
 * @since 0.1.0
 */
import type { Program } from "../Compile.js"
import { api, mm, page } from "./kernel.js"
import { gupFast, truncate } from "./paths.js"
import { define, FILE } from "./Scenario.js"

/** The lockless walk outside RCU: a table freed meanwhile is read after its free (P13). */
// @ts-expect-error LockRequired<"RcuReadLock", "proc">
const outsideRcu: Program = api.walkLockless(mm, page(2048))

/** The scenario, with its buggy variants. */
export const scenario = define({
  id: "gup-fast",
  addr: FILE,
  title: "GUP-fast walks without locks",
  kernelPath: "get_user_pages_fast -> gup_fast (lockless walk)",
  rules: ["P13", "P2"],
  paths: { gup: gupFast, truncate },
  variants: [
    {
      id: "outside-rcu",
      title: "The lockless walk runs outside RCU",
      caught: "compile",
      paths: { gup: outsideRcu },
      expected: { rule: "P13", kind: "rule" },
    },
  ],
})
