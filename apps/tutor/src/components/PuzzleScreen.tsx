/**
 * The puzzle screen: the title, what to do and the hints around the view of the puzzle's kind;
 * the lesson and the rules it teaches only once the puzzle is solved (so they never give the
 * answer away).
 */
import { Catalogue } from "@mmguard/core"
import { Box, Text, useInput } from "ink"
import { useCallback, useMemo, useState } from "react"
import { briefOf, type Puzzle } from "../engine/Puzzle.js"
import { FocusContext, useFocus } from "./Focus.js"
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
  // The editor of a type puzzle captures the keys: this screen's and the app's stand down.
  const parent = useFocus()
  const [captured, setCaptured] = useState(false)
  const capture = useCallback(
    (on: boolean) => {
      setCaptured(on)
      parent.capture(on)
    },
    [parent.capture],
  )
  const focus = useMemo(() => ({ captured, capture }), [captured, capture])
  useInput((input) => {
    if (input === "h" && !captured) setHint((h) => Math.min(puzzle.hints.length, h + 1))
  })
  return (
    <FocusContext value={focus}>
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
                {id}: {Catalogue.summary(id) ?? "see RULES.md"}
              </Text>
            ))}
            <Text wrap="wrap" {...tint(theme, "green")}>
              In the kernel: {puzzle.kernel}
            </Text>
          </Box>
        ) : (
          <Box flexDirection="column">
            <Text wrap="wrap">{briefOf(puzzle)}</Text>
            <Text dimColor>
              {hint < puzzle.hints.length
                ? `h: hint ${hint + 1} of ${puzzle.hints.length}`
                : "no more hints"}
            </Text>
          </Box>
        )}
        {puzzle.hints.slice(0, hint).map((h, i) => (
          <Text key={h} wrap="wrap" {...tint(theme, "yellow")}>
            hint {i + 1}: {h}
          </Text>
        ))}
        {puzzle.kind === "lockPicker" ? (
          <LockPickerView puzzle={puzzle} onSolved={onSolved} />
        ) : null}
        {puzzle.kind === "scheduler" ? <SchedulerView puzzle={puzzle} onSolved={onSolved} /> : null}
        {puzzle.kind === "type" ? (
          <TypeView puzzle={puzzle} onSolved={onSolved} solved={stars !== undefined} />
        ) : null}
        <Text dimColor>h hint · x restart · esc map · ? help · q quit</Text>
      </Box>
    </FocusContext>
  )
}
