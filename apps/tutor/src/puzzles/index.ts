/** All puzzles, grouped into chapters that follow the rule groups. */
import type { Chapter, Puzzle } from "../engine/Puzzle.js"
import { lockPickers } from "./lockPickers.js"
import { pathPickers } from "./pathPickers.js"
import { schedulers } from "./schedulers.js"
import { schedulersRev2 } from "./schedulersRev2.js"
import { types } from "./types.js"

/** Chapter titles, in play order. */
export const chapters: ReadonlyArray<{ readonly id: Chapter; readonly title: string }> = [
  { id: "L", title: "Locks and stability" },
  { id: "F", title: "VMA fields" },
  { id: "P", title: "Page-table operations" },
  { id: "O", title: "Lock ordering" },
  { id: "V", title: "VMA lock internals and downgrade" },
  { id: "P1", title: "Folding across architectures" },
  { id: "K", title: "Real kernel paths" },
]

/** Every puzzle, in chapter order, lock pickers first within a chapter. */
export const puzzles: ReadonlyArray<Puzzle> = chapters.flatMap((c) =>
  [...lockPickers, ...pathPickers, ...schedulers, ...schedulersRev2, ...types].filter(
    (p) => p.chapter === c.id,
  ),
)

/** The puzzles of one chapter. */
export const inChapter = (c: Chapter): ReadonlyArray<Puzzle> =>
  puzzles.filter((p) => p.chapter === c)
