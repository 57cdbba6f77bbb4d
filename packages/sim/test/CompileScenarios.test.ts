// Towards one source for the scenario library (issue 13, part 2): kernel paths of the library
// written once with @mmguard/core, compiled, explore to the verdict of their step-array twins.
import { describe, expect, it } from "vitest"
import { Explorer, Scenarios, type WorldSpec } from "../src/index.js"
import { fault, installUnderRmap, mprotect, munmap, page, spec, truncate } from "./corePaths.js"

const scenario = (id: string) => Scenarios.all.find((s) => s.id === id) as Scenarios.Scenario
const variant = (id: string, v: string) =>
  scenario(id).variants.find((x) => x.id === v) as Scenarios.Variant
const verdict = (s: WorldSpec) => {
  const r = Explorer.explore(s)
  return [r.verdict, r.violation?.rule, r.violation?.kind]
}

describe("library paths written with core explore like their step arrays", () => {
  it("page-fault: a fault racing with mprotect is safe", () => {
    expect(verdict(spec({ fault: fault(page(600)), mprotect: mprotect(page(600)) }))).toEqual(
      verdict(scenario("page-fault").spec),
    )
  })

  it("munmap: munmap racing with a file fault is safe", () => {
    expect(verdict(spec({ munmap: munmap(true), fault: fault(page(2100)) }))).toEqual(
      verdict(scenario("munmap").spec),
    )
  })

  it("munmap/no-zap: the run-time bug is caught with the same rule", () => {
    const expected = variant("munmap", "no-zap").expected
    expect(verdict(spec({ munmap: munmap(false) }))).toEqual([
      "violation",
      expected.rule,
      expected.kind,
    ])
  })

  it("pte-map-lock: a core file fault racing with khugepaged's retract is safe (it re-checks)", () => {
    const khugepaged = scenario("khugepaged").spec.tasks[0]
    if (khugepaged === undefined) throw new Error("no khugepaged task")
    const s = spec({ fault: fault(page(2100)) })
    expect(verdict({ ...s, tasks: [...s.tasks, khugepaged] })).toEqual(
      verdict(scenario("pte-map-lock").spec),
    )
  })

  it("truncate: the rmap walk of libfoo racing with munmap is safe", () => {
    const munmapTask = scenario("truncate").spec.tasks[1]
    if (munmapTask === undefined) throw new Error("no munmap task")
    const s = spec({ truncate })
    expect(verdict({ ...s, tasks: [...s.tasks, munmapTask] })).toEqual(
      verdict(scenario("truncate").spec),
    )
  })

  it("truncate/install-under-rmap: installing under the i_mmap lock only is caught", () => {
    const expected = variant("truncate", "install-under-rmap").expected
    expect(verdict(spec({ install: installUnderRmap }))).toEqual([
      "violation",
      expected.rule,
      expected.kind,
    ])
  })
})
