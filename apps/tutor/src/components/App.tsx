/** The tutor: chapter map, puzzle screen and help overlay, with progress saved on every solve. */
import { Box, Text, useApp, useInput, useWindowSize } from "ink"
import { useMemo, useState } from "react"
import { useProgress } from "../hooks/useProgress.js"
import { puzzles } from "../puzzles/index.js"
import type { Progress } from "../save/progress.js"
import { ChapterMap } from "./ChapterMap.js"
import { FocusContext } from "./Focus.js"
import { HelpOverlay } from "./HelpOverlay.js"
import { PuzzleScreen } from "./PuzzleScreen.js"

/** Props: where progress lives, what was loaded, and a notice to show once. */
export interface AppProps {
  readonly saveDir: string
  readonly initial: Progress
  readonly notice?: string
}

/** The whole app. */
export const App = ({ saveDir, initial, notice }: AppProps) => {
  const { exit } = useApp()
  const { rows } = useWindowSize()
  const { progress, solved } = useProgress(saveDir, initial)
  const resumeAt = Math.max(
    0,
    puzzles.findIndex((p) => p.id === initial.last),
  )
  const [selected, setSelected] = useState(resumeAt)
  const [open, setOpen] = useState<string | undefined>()
  const [help, setHelp] = useState(false)
  const [captured, capture] = useState(false)
  const focus = useMemo(() => ({ captured, capture }), [captured])
  useInput((input, key) => {
    if (captured) return
    if (input === "?") setHelp((h) => !h)
    else if (key.escape) {
      if (help) setHelp(false)
      else setOpen(undefined)
    } else if (input === "q") exit()
  })
  const puzzle = puzzles.find((p) => p.id === open)
  return (
    <FocusContext value={focus}>
      <Box flexDirection="column">
        {notice ? <Text color="yellow">{notice}</Text> : null}
        {help ? <HelpOverlay /> : null}
        {puzzle ? (
          <PuzzleScreen
            key={puzzle.id}
            puzzle={puzzle}
            stars={progress.solved[puzzle.id]}
            onSolved={(s) => solved(puzzle.id, s)}
          />
        ) : (
          <ChapterMap
            progress={progress}
            selected={selected}
            onSelect={setSelected}
            onOpen={(p) => setOpen(p.id)}
            rows={rows}
          />
        )}
      </Box>
    </FocusContext>
  )
}
