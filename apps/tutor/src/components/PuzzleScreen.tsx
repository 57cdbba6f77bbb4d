/**
 * The puzzle screen: the title, what to do and the hints around the view of the puzzle's kind;
 * the lesson and the rules it teaches only once the puzzle is solved (so they never give the
 * answer away).
 */
import { Rules } from "@mmguard/core"
import { Box, Text, useInput } from "ink"
import { useState } from "react"
import { briefOf, type Puzzle } from "../engine/Puzzle.js"
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

/** What core's rule table says of a rule ID: the titles of the operations it governs. */
const ruleTitles = (id: string): string =>
  Object.values(Rules.Operations)
    .filter((op) => op.id === id)
    .map((op) => op.title)
    .join("; ")

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
        {puzzle.title}
        {stars ? ` solved ${stars}/3` : ""}
      </Text>
      {stars ? (
        <Box flexDirection="column">
          <Text wrap="wrap">{puzzle.lesson}</Text>
          {puzzle.rules.map((id) => (
            <Text key={id} dimColor wrap="wrap">
              {id}: {ruleTitles(id) || "see RULES.md"}
            </Text>
          ))}
        </Box>
      ) : (
        <Text wrap="wrap">{briefOf(puzzle)}</Text>
      )}
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
