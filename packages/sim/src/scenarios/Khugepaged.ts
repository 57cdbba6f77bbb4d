/**
 * Scenario "khugepaged": khugepaged retracts an empty PTE table while GUP-fast walks.
 * Kernel path: khugepaged -> retract_page_tables (pte_free_defer) vs gup_fast.
 *
 * @since 0.1.0
 */
import { gupFast, retract } from "./paths.js"
import { FILE, type Scenario, task, world } from "./Scenario.js"

/** The scenario, with its buggy variants. */
export const scenario: Scenario = {
  id: "khugepaged",
  addr: FILE,
  title: "khugepaged retracts an empty PTE table while GUP-fast walks",
  kernelPath: "khugepaged -> retract_page_tables (pte_free_defer) vs gup_fast",
  rules: ["P15", "P10", "P13"],
  spec: world(task("khugepaged", retract(true)), task("gup", gupFast(true))),
  variants: [
    {
      id: "no-pmd-lock",
      title: "The table retracted without the PMD lock",
      spec: world(task("khugepaged", retract(false))),
      expected: { rule: "P15", kind: "rule" },
    },
  ],
}
