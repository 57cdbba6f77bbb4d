/**
 * Scenario "gup-fast": GUP-fast walks without locks.
 * Kernel path: get_user_pages_fast -> gup_fast (lockless walk).
 *
 * @since 0.1.0
 */
import { gupFast, truncate } from "./paths.js"
import { FILE, type Scenario, task, world } from "./Scenario.js"

/** The scenario, with its buggy variants. */
export const scenario: Scenario = {
  id: "gup-fast",
  addr: FILE,
  title: "GUP-fast walks without locks",
  kernelPath: "get_user_pages_fast -> gup_fast (lockless walk)",
  rules: ["P13", "P2"],
  spec: world(task("gup", gupFast(true)), task("truncate", truncate)),
  variants: [
    {
      id: "outside-rcu",
      title: "The lockless walk runs outside RCU",
      spec: world(task("gup", gupFast(false))),
      expected: { rule: "P13", kind: "rule" },
    },
  ],
}
