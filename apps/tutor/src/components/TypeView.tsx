/** A type puzzle: choose an edit; the real tsc runs and its diagnostics are shown. */
import { Box, Text, useInput } from "ink"
import { useState } from "react"
import { judgeType, type TypeVerdict, withEdit } from "../engine/judgeType.js"
import type { TypePuzzle } from "../engine/Puzzle.js"
import { tint, useTheme } from "./Theme.js"

/** Props: the puzzle and what to do once it is solved. */
export interface TypeViewProps {
  readonly puzzle: TypePuzzle
  readonly onSolved: (stars: number) => void
}

/** The type-puzzle screen body. */
export const TypeView = ({ puzzle, onSolved }: TypeViewProps) => {
  const theme = useTheme()
  const [cursor, setCursor] = useState(0)
  const [running, setRunning] = useState(false)
  const [verdict, setVerdict] = useState<TypeVerdict | undefined>()
  useInput((_, key) => {
    if (running) return
    if (key.upArrow) setCursor((c) => Math.max(0, c - 1))
    else if (key.downArrow) setCursor((c) => Math.min(puzzle.edits.length - 1, c + 1))
    else if (key.return) {
      setRunning(true)
      setVerdict(undefined)
      void judgeType(puzzle, cursor).then((v) => {
        setRunning(false)
        setVerdict(v)
        if (v.solved) onSolved(3)
      })
    }
  })
  const lines = withEdit(puzzle, cursor).split("\n")
  const at = lines.findIndex((l) => l.startsWith("const program"))
  const code = lines.slice(at, at + 3)
  return (
    <Box flexDirection="column">
      <Text>Choose the line that makes this compile (enter runs tsc):</Text>
      {code.map((l, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: code lines are positional
        <Text key={i} {...tint(theme, "gray")} wrap="truncate-end">
          {l}
        </Text>
      ))}
      <Text bold>Edits</Text>
      {puzzle.edits.map((e, i) => (
        <Text key={e} {...(i === cursor ? tint(theme, "cyan") : {})} wrap="truncate-end">
          {i === cursor ? "> " : "  "}
          {i + 1}. {e}
        </Text>
      ))}
      {running ? <Text>tsc is checking…</Text> : null}
      {verdict?.solved ? <Text {...tint(theme, "green")}>solved: tsc reports no error</Text> : null}
      {verdict && !verdict.solved
        ? verdict.diagnostics.slice(0, 4).map((d) => (
            <Text key={d} {...tint(theme, "red")} wrap="truncate-end">
              {d.split("\n").slice(0, 3).join(" | ")}
            </Text>
          ))
        : null}
    </Box>
  )
}
