/**
 * Starts the game: loads (or resets) progress and renders the app with the theme.
 */
import { render } from "ink"
import { App } from "./components/App.js"
import { ThemeContext } from "./components/Theme.js"
import type { Puzzle } from "./engine/Puzzle.js"
import { chapters, puzzles } from "./puzzles/index.js"
import { load, reset, saveDir } from "./save/progress.js"

export { workshop } from "./workshop/Workshop.js"

/** Options from the command line. */
export interface StartOptions {
  readonly plain: boolean
  readonly reset: boolean
}

/** Renders the tutor in the current terminal. */
export const start = (options: StartOptions): void => {
  const dir = saveDir()
  if (options.reset) reset(dir)
  const { progress, notice } = load(dir)
  const theme = {
    color: process.env.NO_COLOR === undefined || process.env.NO_COLOR === "",
    plain: options.plain,
  }
  render(
    <ThemeContext value={theme}>
      <App saveDir={dir} initial={progress} {...(notice ? { notice } : {})} />
    </ThemeContext>,
    // The game needs a live terminal (checked in cli.ts), also where CI=true is set.
    { isScreenReaderEnabled: options.plain, interactive: true },
  )
}

/** One puzzle as the catalogue lists it. */
export interface CatalogueEntry {
  readonly id: string
  readonly kind: Puzzle["kind"]
  readonly chapter: string
  readonly chapterTitle: string
  readonly title: string
  readonly rules: ReadonlyArray<string>
}

/** Every puzzle, in play order, with its chapter and the rule IDs it teaches. */
export const catalogue = (): ReadonlyArray<CatalogueEntry> =>
  puzzles.map((p) => ({
    id: p.id,
    kind: p.kind,
    chapter: p.chapter,
    chapterTitle: chapters.find((c) => c.id === p.chapter)?.title ?? p.chapter,
    title: p.title,
    rules: p.rules,
  }))
