/**
 * The workshop's exercises on disk, rustlings-style: every type puzzle as a .ts file in
 * `DIR/exercises`, with a tsconfig that sees @mmguard/core and effect, checked one file at a
 * time by the real tsc. A file the player already has is never overwritten.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs"
import { join, relative } from "node:path"
import { fileOf } from "../engine/judgeType.js"
import type { TypePuzzle } from "../engine/Puzzle.js"
import { type Diagnostic, prepareProject, runTsc } from "../engine/tsc.js"
import { types } from "../puzzles/types.js"

/** One exercise: its puzzle and its file (relative to the workshop folder). */
export interface Exercise {
  readonly puzzle: TypePuzzle
  readonly file: string
}

/** The exercises, in play order. */
export const exercises: ReadonlyArray<Exercise> = types.map((puzzle, i) => ({
  puzzle,
  file: join(
    "exercises",
    `${String(i + 1).padStart(2, "0")}-${puzzle.id.replace(/^type-/, "")}.ts`,
  ),
}))

/** The comment at the top of an exercise file: what to do, and how. */
const header = (p: TypePuzzle): string =>
  [
    `// ${p.title} (rules ${p.rules.join(", ")})`,
    `// ${p.task}`,
    p.against
      ? `// Edit the program until tsc accepts it and it is safe against ${p.against.paths.map((t) => t.name).join(" and ")}: the workshop re-checks every save, then explores every interleaving.`
      : "// Edit the program until tsc accepts it; the workshop re-checks every save.",
    "",
  ].join("\n")

/** Writes the workshop into `dir`: the project files, and each exercise not there yet. */
export const writeWorkshop = (dir: string): void => {
  mkdirSync(join(dir, "exercises"), { recursive: true })
  mkdirSync(join(dir, ".check"), { recursive: true })
  prepareProject(dir)
  for (const e of exercises) {
    const path = join(dir, e.file)
    if (!existsSync(path)) writeFileSync(path, header(e.puzzle) + fileOf(e.puzzle, e.puzzle.start))
  }
}

/** The exercise whose file is `file` (a name or a path inside the workshop). */
export const exerciseOf = (dir: string, file: string): Exercise | undefined => {
  const rel = relative(dir, join(dir, file))
  return exercises.find((e) => e.file === rel || e.file.endsWith(`/${file}`) || e.file === file)
}

/** Checks one exercise's file with tsc: its diagnostics (none when solved). */
export const checkExercise = async (
  dir: string,
  e: Exercise,
): Promise<ReadonlyArray<Diagnostic>> => {
  const id = e.puzzle.id
  const config = join(dir, ".check", `${id}.json`)
  writeFileSync(
    config,
    JSON.stringify({ extends: "../tsconfig.json", include: [], files: [join("..", e.file)] }),
  )
  return runTsc(dir, config)
}
