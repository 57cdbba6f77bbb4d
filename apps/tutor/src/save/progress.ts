/**
 * Progress on disk: `$XDG_CONFIG_HOME/mmguard/progress.json` (or `~/.config/mmguard`).
 *
 * Loading decodes the file with `effect/Schema`: an entry of the wrong shape is reported and
 * dropped while the valid ones are kept; a file that is not a save at all, or one written by a
 * newer tutor, is moved aside as a backup and reported. Whenever something is dropped the
 * original file is kept as a backup too, so nothing the player had is lost by a later save.
 * Writes are durable: a temporary file is written and fsynced, renamed over the old one, and the
 * folder is fsynced so the rename itself survives a crash.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs"
import { homedir } from "node:os"
import { join } from "node:path"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"

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

/** The outer shape of a save; entries are decoded one by one with {@link Stars}. */
const Envelope = Schema.Struct({
  // Saves of the first format may lack the version; they are read as format 1.
  version: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))),
  solved: Schema.Record(Schema.String, Schema.Unknown),
  last: Schema.optionalKey(Schema.Unknown),
})

/** One solved entry: the best star count. */
const Stars = Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 3 }))

const oneLine = (message: string) => message.replace(/\s+/g, " ").trim()

/** What {@link load} found: the progress to play with and, if anything was wrong, why. */
export interface Loaded {
  readonly progress: Progress
  /** A message for the player when the file was not taken as it was. */
  readonly notice?: string
  /** One line per entry that was dropped (empty when none was). */
  readonly dropped: ReadonlyArray<string>
}

const backUp = (dir: string): string => {
  const backup = `${file(dir)}.bak-${Date.now()}`
  renameSync(file(dir), backup)
  return backup
}

/** Loads progress: invalid entries are dropped and reported; a bad or newer file is set aside. */
export const load = (dir: string): Loaded => {
  if (!existsSync(file(dir))) return { progress: empty, dropped: [] }
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(file(dir), "utf8"))
  } catch {
    parsed = undefined
  }
  const envelope = Schema.decodeUnknownResult(Envelope)(parsed)
  if (Result.isFailure(envelope)) {
    const backup = backUp(dir)
    return {
      progress: empty,
      dropped: [],
      notice: `Your save file could not be read (${oneLine(envelope.failure.message)}); it was kept as ${backup} and a new one started.`,
    }
  }
  const version = envelope.success.version ?? SAVE_VERSION
  if (version > SAVE_VERSION) {
    const backup = backUp(dir)
    return {
      progress: empty,
      dropped: [],
      notice: `Your save file was written by a newer tutor (format ${version}); it was kept as ${backup} and a new one started.`,
    }
  }
  const solved: Record<string, number> = {}
  const dropped: Array<string> = []
  for (const [id, entry] of Object.entries(envelope.success.solved)) {
    const stars = Schema.decodeUnknownResult(Stars)(entry)
    if (Result.isSuccess(stars)) solved[id] = stars.success
    else dropped.push(`solved["${id}"]: ${oneLine(stars.failure.message)}`)
  }
  const last = envelope.success.last
  if (last !== undefined && typeof last !== "string") dropped.push("last: Expected string")
  const progress: Progress = {
    version: SAVE_VERSION,
    solved,
    ...(typeof last === "string" ? { last } : {}),
  }
  if (dropped.length === 0) return { progress, dropped }
  const backup = backUp(dir)
  return {
    progress,
    dropped,
    notice: `Some entries of your save file were invalid and were dropped (${dropped.join("; ")}); the original was kept as ${backup}.`,
  }
}

/** Saves progress durably: temporary file written and fsynced, renamed, folder fsynced. */
export const save = (dir: string, progress: Progress): void => {
  mkdirSync(dir, { recursive: true })
  const tmp = `${file(dir)}.tmp-${process.pid}`
  const fd = openSync(tmp, "w", 0o644)
  try {
    writeSync(fd, `${JSON.stringify(progress, null, 2)}\n`)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(tmp, file(dir))
  // Windows cannot open a folder for fsync; its rename is durable through NTFS's own journal.
  if (process.platform !== "win32") {
    const dirFd = openSync(dir, "r")
    try {
      fsyncSync(dirFd)
    } finally {
      closeSync(dirFd)
    }
  }
}

/** Deletes the saved progress. */
export const reset = (dir: string): void => rmSync(file(dir), { force: true })

/** Records a solved puzzle, keeping the best star count. */
export const solve = (p: Progress, id: string, stars: number): Progress => ({
  ...p,
  solved: { ...p.solved, [id]: Math.max(stars, p.solved[id] ?? 0) },
  last: id,
})
