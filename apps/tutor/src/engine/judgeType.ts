/**
 * Judges a type puzzle: the player's program, put into the puzzle's file, is checked by the real
 * tsc in a temporary project; its diagnostics, in full, are the verdict (lines counted in the
 * player's program). A puzzle whose program runs against other paths is then explored against
 * them (`exploreType`): it is solved only when that is safe too.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type Explored, exploreType } from "./exploreType.js"
import type { TypePuzzle } from "./Puzzle.js"
import { prepareProject, runTsc } from "./tsc.js"

/** What tsc said about one program, and, once it compiles, what exploring it found. */
export interface TypeVerdict {
  readonly solved: boolean
  readonly diagnostics: ReadonlyArray<string>
  readonly explored?: Explored
}

/** The whole file of puzzle `p` with `program` in place. */
export const fileOf = (p: TypePuzzle, program: string): string =>
  p.prelude.replace("// PROGRAM", program)

/** The line of the file where the program starts (1-based). */
export const programLine = (p: TypePuzzle): number =>
  p.prelude.slice(0, p.prelude.indexOf("// PROGRAM")).split("\n").length

/** Runs tsc on `program` in puzzle `p`'s file. */
export const judgeType = async (p: TypePuzzle, program: string): Promise<TypeVerdict> => {
  const dir = mkdtempSync(join(tmpdir(), "mmguard-tutor-"))
  try {
    prepareProject(dir, ["puzzle.ts"])
    writeFileSync(join(dir, "puzzle.ts"), fileOf(p, program))
    const first = programLine(p)
    const found = await runTsc(dir)
    const diagnostics = found.map((d) =>
      d.line >= first
        ? `line ${d.line - first + 1}:${d.col}: ${d.text}`
        : `file line ${d.line}: ${d.text}`,
    )
    if (diagnostics.length > 0 || p.against === undefined) {
      return { solved: diagnostics.length === 0, diagnostics }
    }
    const explored = await exploreType(dir, "puzzle.ts", p.against)
    return { solved: explored.kind === "safe", diagnostics, explored }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
