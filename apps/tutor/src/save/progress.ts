/**
 * Progress on disk: `$XDG_CONFIG_HOME/mmguard/progress.json` (or `~/.config/mmguard`). Writes
 * are atomic (a temporary file renamed over the old one). A corrupt save, or one written by a
 * newer tutor, is moved aside as a backup and reported; it never crashes the game.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs"
import { homedir } from "node:os"
import { join } from "node:path"

/** The save format version this tutor writes. */
export const SAVE_VERSION = 1

/** What is saved. */
export interface Progress {
  readonly version: number
  /** Solved puzzles with their best star count (1-3; scheduler and type puzzles give 3). */
  readonly solved: Readonly<Record<string, number>>
  /** The puzzle to resume at. */
  readonly last?: string
}

/** A fresh, empty progress. */
export const empty: Progress = { version: SAVE_VERSION, solved: {} }

/** The folder progress is saved in, from the environment (XDG). */
export const saveDir = (env: NodeJS.ProcessEnv = process.env): string =>
  join(
    env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME !== ""
      ? env.XDG_CONFIG_HOME
      : join(homedir(), ".config"),
    "mmguard",
  )

const file = (dir: string) => join(dir, "progress.json")

const valid = (x: unknown): x is Progress =>
  typeof x === "object" &&
  x !== null &&
  typeof (x as Progress).version === "number" &&
  typeof (x as Progress).solved === "object" &&
  (x as Progress).solved !== null

/** Loads progress; a bad or newer file is backed up and explained in `notice`. */
export const load = (dir: string): { progress: Progress; notice?: string } => {
  if (!existsSync(file(dir))) return { progress: empty }
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(file(dir), "utf8"))
  } catch {
    parsed = undefined
  }
  if (valid(parsed) && parsed.version <= SAVE_VERSION) return { progress: parsed }
  const backup = `${file(dir)}.bak-${Date.now()}`
  renameSync(file(dir), backup)
  const why = valid(parsed)
    ? `was written by a newer tutor (format ${parsed.version})`
    : "could not be read"
  return {
    progress: empty,
    notice: `Your save file ${why}; it was kept as ${backup} and a new one started.`,
  }
}

/** Saves progress atomically. */
export const save = (dir: string, progress: Progress): void => {
  mkdirSync(dir, { recursive: true })
  const tmp = `${file(dir)}.tmp-${process.pid}`
  writeFileSync(tmp, `${JSON.stringify(progress, null, 2)}\n`)
  renameSync(tmp, file(dir))
}

/** Deletes the saved progress. */
export const reset = (dir: string): void => rmSync(file(dir), { force: true })

/** Records a solved puzzle, keeping the best star count. */
export const solve = (p: Progress, id: string, stars: number): Progress => ({
  ...p,
  solved: { ...p.solved, [id]: Math.max(stars, p.solved[id] ?? 0) },
  last: id,
})
