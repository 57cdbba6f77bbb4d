/**
 * Scenario "reclaim": Reclaim ages pages through the rmap.
 * Kernel path: shrink_folio_list -> folio_referenced -> rmap walk -> ptep_clear_flush_young.
 *
 * @since 0.1.0
 */
import { fault, reclaim } from "./paths.js"
import { ANON, type Scenario, task, world } from "./Scenario.js"

/** The scenario, with its buggy variants. */
export const scenario: Scenario = {
  id: "reclaim",
  addr: 512,
  title: "Reclaim ages pages through the rmap",
  kernelPath: "shrink_folio_list -> folio_referenced -> rmap walk -> ptep_clear_flush_young",
  rules: ["P5", "P8"],
  spec: world(task("reclaim", reclaim(true)), task("fault", fault(ANON))),
  variants: [
    {
      id: "no-pte-lock",
      title: "The accessed bit cleared without the PTE lock",
      spec: world(task("reclaim", reclaim(false))),
      expected: { rule: "P8", kind: "rule" },
    },
  ],
}
