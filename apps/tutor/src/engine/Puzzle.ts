/**
 * The three kinds of puzzle. A puzzle is data; its verdict always comes from the real code:
 * sim's world and checker (which read core's rule table) or the real TypeScript compiler.
 */
import type { Program, WorldSpec } from "@mmguard/sim"
import type { Consequence } from "./Consequence.js"

/** The rule groups, which are also the chapters, and the closing chapter of kernel paths (K). */
export type Chapter = "L" | "F" | "P" | "O" | "V" | "P1" | "K"

/** What every puzzle has. */
interface Common {
  readonly id: string
  readonly chapter: Chapter
  readonly title: string
  /** Rule IDs the puzzle teaches. */
  readonly rules: ReadonlyArray<string>
  /** A short lesson in our own words, shown once the puzzle is solved. */
  readonly lesson: string
  /** Hints, gentlest first (a ladder: each one gives a little more away). */
  readonly hints: ReadonlyArray<string>
  /** The kernel function(s) the puzzle comes from, shown once it is solved. */
  readonly kernel: string
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
  /**
   * The contended case the answer is also explored against (sim's Explorer, every
   * interleaving): a concurrent writer task, so lock_vma_under_rcu can fail. The answer must
   * still reach its goal: page `addr` mapped when the player's task ends.
   */
  readonly contended?: ReadonlyArray<Program.Step>
}

/** Be the scheduler of kernel tasks and cause the consequence `goal`, judged on sim's world. */
export interface SchedulerPuzzle extends Common {
  readonly kind: "scheduler"
  readonly spec: WorldSpec
  readonly goal: Consequence
  /** What the tasks are doing, in a sentence (never naming the flaw). */
  readonly story: string
  readonly addr: number
  /** The kernel's correct version of the same world: no schedule causes the goal there. */
  readonly fixed: WorldSpec
}

/**
 * The kernel paths a type puzzle's program runs against. Once tsc accepts the program it is
 * compiled into a sim task (sim's `Compile`) and explored with each path in turn (sim's
 * `Explorer`, every interleaving): the puzzle is solved only when every exploration is safe.
 */
export interface Against {
  /** The address spaces; the program runs in the first, whose name is its mm. */
  readonly mms: WorldSpec["mms"]
  /** The page addresses the program names, by variable (`addr`, `end`, ...): page numbers. */
  readonly pages: Readonly<Record<string, number>>
  /** The other paths, from sim's library: each is explored with the program. */
  readonly paths: ReadonlyArray<Program.TaskSpec>
  /**
   * A page the program must leave mapped whenever a VMA still covers it once every task is
   * done (a fault may not give up), and the rule that says so.
   */
  readonly maps?: { readonly page: number; readonly rule: string }
}

/** Write the program against @mmguard/core until the real tsc accepts it. */
export interface TypePuzzle extends Common {
  readonly kind: "type"
  /** What the program must do. */
  readonly task: string
  /** The file around the program (imports, declarations); `// PROGRAM` marks where it goes. */
  readonly prelude: string
  /** The program the player starts from (it does not compile). */
  readonly start: string
  /** A reference solution, shown once solved (and checked by the tests). */
  readonly solution: string
  /** The paths the program is explored against once it compiles (its file then defines its pages). */
  readonly against?: Against
}

/** Any puzzle. */
export type Puzzle = LockPicker | SchedulerPuzzle | TypePuzzle

/** What the player is asked to do, shown before the puzzle is solved (the lesson comes after). */
export const briefOf = (p: Puzzle): string => {
  switch (p.kind) {
    case "lockPicker":
      return "Compose the task's program from the palette: the locks it needs, and no more."
    case "scheduler":
      return "You are the scheduler: choose who runs next, step by step, until the goal happens."
    case "type":
      return p.against
        ? `Edit the program until the real TypeScript compiler accepts it (its errors name what is missing) and the explorer finds it safe against ${p.against.paths.map((t) => t.name).join(" and ")} in every interleaving.`
        : "Edit the program until the real TypeScript compiler accepts it: its errors name what is missing."
  }
}
