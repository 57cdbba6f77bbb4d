/**
 * The shape of a scenario of the kernel library, and the address space they all run in.
 * Scenarios are task programs modelled on real kernel paths. Each scenario is
 * correct (the explorer finds nothing in any interleaving) and has buggy variants that the
 * checker or the explorer must catch, with the rule ID they break. The tutor builds its
 * scheduler puzzles from these.
 *
 * Layout of every world (x86-64, pages of 4 KiB, one PTE table = 512 pages): an anonymous VMA
 * [512, 1024) with pages 512..515 mapped, a file VMA of "libfoo" [2048, 2560) whose PTE table
 * is allocated but empty (a zap left it: khugepaged may retract it), and a stack VMA [8192, 8704)
 * growing down.
 *
 * @since 0.1.0
 */
import type { Step, TaskSpec } from "../Program.js"
import type { WorldSpec } from "../World.js"

/** What a buggy variant must be caught with. */
export interface Expected {
  readonly rule: string
  readonly kind: "rule" | "order" | "deadlock" | "leak" | "misuse" | "assert"
}

/** A buggy variant of a scenario. */
export interface Variant {
  readonly id: string
  readonly title: string
  readonly spec: WorldSpec
  readonly expected: Expected
}

/** A kernel path as task programs, with its buggy variants. */
export interface Scenario {
  readonly id: string
  readonly title: string
  readonly kernelPath: string
  /** The page the scenario is about (the tutor's page-table view walks it). */
  readonly addr: number
  readonly rules: ReadonlyArray<string>
  readonly spec: WorldSpec
  readonly variants: ReadonlyArray<Variant>
}

/** A page of the anonymous VMA. */
export const ANON = 600
/** A page of the file VMA of "libfoo". */
export const FILE = 2100
/** A page of the stack VMA. */
export const STACK = 8300

/** The address space every scenario runs in (see the module comment). */
export const layout: WorldSpec["mms"] = [
  {
    name: "proc",
    vmas: [
      { start: 512, end: 1024, anon: true, mapped: [512, 513, 514, 515] },
      { start: 2048, end: 2560, file: "libfoo", tables: [2048] },
      { start: 8192, end: 8704, anon: true },
    ],
  },
]

/** A world of the common layout running `tasks`. */
export const world = (...tasks: ReadonlyArray<TaskSpec>): WorldSpec => ({ mms: layout, tasks })

/** A task of the process "proc" running `program`. */
export const task = (name: string, program: ReadonlyArray<Step>): TaskSpec => ({
  name,
  mm: "proc",
  program,
})
