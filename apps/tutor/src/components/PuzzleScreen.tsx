/** The puzzle screen: title, rules, lesson and hints around the view of the puzzle's kind. */
import { Box, Text, useInput } from "ink"
import { useState } from "react"
import type { Puzzle } from "../engine/Puzzle.js"
import { LockPickerView } from "./LockPickerView.js"
import { SchedulerView } from "./SchedulerView.js"
import { tint, useTheme } from "./Theme.js"
import { TypeView } from "./TypeView.js"

/** Props: the puzzle, its saved stars, and callbacks. */
export interface PuzzleScreenProps {
  readonly puzzle: Puzzle
  readonly stars: number | undefined
  readonly onSolved: (stars: number) => void
}

/** The puzzle screen. */
export const PuzzleScreen = ({ puzzle, stars, onSolved }: PuzzleScreenProps) => {
  const theme = useTheme()
  const [hint, setHint] = useState(0)
  useInput((input) => {
    if (input === "h") setHint((h) => Math.min(puzzle.hints.length, h + 1))
  })
  return (
    <Box flexDirection="column">
      <Text bold {...tint(theme, "magenta")}>
        {puzzle.title} [{puzzle.rules.join(" ")}]{stars ? ` solved ${stars}/3` : ""}
      </Text>
      <Text wrap="wrap">{puzzle.lesson}</Text>
      {puzzle.hints.slice(0, hint).map((h) => (
        <Text key={h} {...tint(theme, "yellow")}>
          hint: {h}
        </Text>
      ))}
      {puzzle.kind === "lockPicker" ? <LockPickerView puzzle={puzzle} onSolved={onSolved} /> : null}
      {puzzle.kind === "scheduler" ? <SchedulerView puzzle={puzzle} onSolved={onSolved} /> : null}
      {puzzle.kind === "type" ? <TypeView puzzle={puzzle} onSolved={onSolved} /> : null}
      <Text dimColor>h hint · x restart · esc map · ? help · q quit</Text>
    </Box>
  )
}
