/** A lock-picker puzzle: compose calls from the palette, run them, read the verdict. */
import { Program } from "@mmguard/sim"
import { Box, Text, useInput } from "ink"
import { useMemo, useState } from "react"
import { judgeLockPicker, runSteps } from "../engine/judgeLockPicker.js"
import type { LockPicker } from "../engine/Puzzle.js"
import { EventLog } from "./EventLog.js"
import { LockPanel } from "./LockPanel.js"
import { PageTableView } from "./PageTableView.js"
import { tint, useTheme } from "./Theme.js"

/** Props: the puzzle and what to do once it is solved. */
export interface LockPickerViewProps {
  readonly puzzle: LockPicker
  readonly onSolved: (stars: number) => void
}

/** The lock-picker screen body. */
export const LockPickerView = ({ puzzle, onSolved }: LockPickerViewProps) => {
  const theme = useTheme()
  const [cursor, setCursor] = useState(0)
  const [program, setProgram] = useState<ReadonlyArray<Program.Step>>([])
  const [verdict, setVerdict] = useState<ReturnType<typeof judgeLockPicker> | undefined>()
  const world = useMemo(() => verdict?.world ?? runSteps(puzzle, []), [verdict, puzzle])
  useInput((input, key) => {
    if (key.upArrow) setCursor((c) => Math.max(0, c - 1))
    else if (key.downArrow) setCursor((c) => Math.min(puzzle.palette.length - 1, c + 1))
    else if (key.return) {
      const s = puzzle.palette[cursor]
      if (s) setProgram((p) => [...p, s])
      setVerdict(undefined)
    } else if (key.backspace || key.delete) {
      setProgram((p) => p.slice(0, -1))
      setVerdict(undefined)
    } else if (input === "x") {
      setProgram([])
      setVerdict(undefined)
    } else if (input === "r") {
      const v = judgeLockPicker(puzzle, program)
      setVerdict(v)
      if (v.solved) onSolved(v.stars)
    }
  })
  const log = verdict
    ? [
        ...(verdict.invalid ? [`cannot run: ${verdict.invalid.message}`] : []),
        ...verdict.violations.map((v) => `${v.rule}: ${v.message}`),
        ...verdict.missing.map((m) => `not done: ${m}`),
        ...(verdict.solved ? [`solved ${"*".repeat(verdict.stars)} (${verdict.stars}/3)`] : []),
        ...verdict.heavier.map((h) => `lighter works: ${h}`),
      ]
    : ["compose a program, then press r to run it"]
  return (
    <Box flexDirection="column">
      <Text>{puzzle.task}</Text>
      <Box>
        <Box flexDirection="column" width="50%">
          <Text bold>Palette</Text>
          {puzzle.palette.map((s, i) => (
            <Text key={Program.show(s)} {...(i === cursor ? tint(theme, "cyan") : {})}>
              {i === cursor ? "> " : "  "}
              {Program.show(s)}
            </Text>
          ))}
        </Box>
        <Box flexDirection="column" width="50%">
          <Text bold>Your program</Text>
          {program.length === 0 ? <Text dimColor>(empty)</Text> : null}
          {program.map((s, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the same call may appear twice
            <Text key={i}>
              {String(i + 1).padStart(2)} {Program.show(s)}
            </Text>
          ))}
        </Box>
      </Box>
      <Box>
        <Box width="50%">
          <LockPanel world={world} />
        </Box>
        <Box width="50%">
          <PageTableView world={world} addr={puzzle.addr} />
        </Box>
      </Box>
      <EventLog lines={log} />
    </Box>
  )
}
