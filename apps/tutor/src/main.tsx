/**
 * Starts the game: loads (or resets) progress and renders the app with the theme.
 */
import { render } from "ink"
import { App } from "./components/App.js"
import { ThemeContext } from "./components/Theme.js"
import { load, reset, saveDir } from "./save/progress.js"

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
