/**
 * The three kinds of puzzle. A puzzle is data; its verdict always comes from the real code:
 * sim's world and checker (which read core's rule table) or the real TypeScript compiler.
 */
import type { Program, Scenarios, WorldSpec } from "@mmguard/sim"

/** The rule groups, which are also the chapters. */
export type Chapter = "L" | "F" | "P" | "O" | "V" | "P1"

/** What every puzzle has. */
interface Common {
  readonly id: string
  readonly chapter: Chapter
  readonly title: string
  /** Rule IDs the puzzle teaches. */
  readonly rules: ReadonlyArray<string>
  /** A short lesson in our own words, shown once the puzzle is solved. */
  readonly lesson: string
  /** Hints, gentlest first. */
  readonly hints: ReadonlyArray<string>
}

/** Compose the lock and operation calls of one task from a palette. */
export interface LockPicker extends Common {
  readonly kind: "lockPicker"
  readonly task: string
  /** The world the task runs in (the player's task is added as the only task). */
  readonly world: Omit<WorldSpec, "tasks">
  /** Actions the program must perform for the task to count as done. */
  readonly goal: ReadonlyArray<Program.Step>
  readonly palette: ReadonlyArray<Program.Step>
  /** The page whose walk the page-table view highlights. */
  readonly addr: number
}

/** Step the tasks of a flawed kernel scenario until sim's checker reports the flaw. */
export interface SchedulerPuzzle extends Common {
  readonly kind: "scheduler"
  readonly scenario: Scenarios.Scenario
  readonly variant: Scenarios.Variant
  /** The world actually played (the variant's, possibly on another architecture). */
  readonly spec: WorldSpec
  readonly addr: number
}

/** Fix a snippet written against @mmguard/core; the real tsc judges each candidate edit. */
export interface TypePuzzle extends Common {
  readonly kind: "type"
  /** The snippet, with the line `// EDIT` replaced by the chosen edit. */
  readonly snippet: string
  readonly edits: ReadonlyArray<string>
}

/** Any puzzle. */
export type Puzzle = LockPicker | SchedulerPuzzle | TypePuzzle

/** What the player is asked to do, shown before the puzzle is solved (the lesson comes after). */
export const briefOf = (p: Puzzle): string => {
  switch (p.kind) {
    case "lockPicker":
      return "Compose the task's program from the palette: the locks it needs, and no more."
    case "scheduler":
      return "You are the scheduler. One of these kernel paths is flawed: choose who runs next until the kernel breaks."
    case "type":
      return "Pick the line that makes the program compile: the compiler names the locks it misses."
  }
}
