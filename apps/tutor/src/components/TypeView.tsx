/**
 * A type puzzle: the player writes the program in an in-game editor (e or enter edits, esc
 * stops editing, c checks); the real tsc judges it and its diagnostics are shown in full, in a
 * panel that scrolls (up/down or pgup/pgdn when not editing). The reference solution shows once
 * solved.
 */
import { Box, Text, useInput } from "ink"
import { useEffect, useState } from "react"
import * as Editor from "../engine/Editor.js"
import { explainExplored } from "../engine/exploreType.js"
import { judgeType, type TypeVerdict } from "../engine/judgeType.js"
import type { TypePuzzle } from "../engine/Puzzle.js"
import { CodeEditor } from "./CodeEditor.js"
import { useFocus } from "./Focus.js"
import { tint, useTheme } from "./Theme.js"

/** Props: the puzzle, what to do once solved, and the diagnostics panel's height in lines. */
export interface TypeViewProps {
  readonly puzzle: TypePuzzle
  readonly onSolved: (stars: number) => void
  readonly solved?: boolean
  readonly panel?: number
}

/** The type-puzzle screen body. */
export const TypeView = ({ puzzle, onSolved, solved = false, panel = 8 }: TypeViewProps) => {
  const theme = useTheme()
  const focus = useFocus()
  const [buffer, setBuffer] = useState(() => Editor.fromText(puzzle.start))
  const [editing, setEditing] = useState(false)
  const [running, setRunning] = useState(false)
  const [verdict, setVerdict] = useState<TypeVerdict | undefined>()
  const [scroll, setScroll] = useState(0)
  const { capture } = focus
  useEffect(() => {
    capture(editing)
    return () => capture(false)
  }, [editing, capture])
  const explored = verdict?.explored ? explainExplored(verdict.explored) : []
  const lines = verdict?.solved
    ? []
    : [...(verdict?.diagnostics.flatMap((d) => d.split("\n")) ?? []), ...explored]
  const check = () => {
    setRunning(true)
    setVerdict(undefined)
    void judgeType(puzzle, Editor.toText(buffer)).then((v) => {
      setRunning(false)
      setVerdict(v)
      setScroll(0)
      if (v.solved) onSolved(3)
    })
  }
  useInput((input, key) => {
    if (editing) {
      if (key.escape) setEditing(false)
      else if (key.upArrow) setBuffer((b) => Editor.move(b, "up"))
      else if (key.downArrow) setBuffer((b) => Editor.move(b, "down"))
      else if (key.leftArrow) setBuffer((b) => Editor.move(b, "left"))
      else if (key.rightArrow) setBuffer((b) => Editor.move(b, "right"))
      else if (key.home) setBuffer((b) => Editor.move(b, "home"))
      else if (key.end) setBuffer((b) => Editor.move(b, "end"))
      else if (key.return) setBuffer(Editor.newline)
      else if (key.backspace) setBuffer(Editor.backspace)
      else if (key.delete) setBuffer(Editor.del)
      else if (key.tab) setBuffer((b) => Editor.insert(b, "  "))
      else if (input.length > 0 && !key.ctrl && !key.meta)
        setBuffer((b) => Editor.insert(b, input.replace(/[\r\n]/g, "")))
      return
    }
    if (running) return
    if (input === "e" || key.return) setEditing(true)
    else if (input === "c") check()
    else if (input === "x") {
      setBuffer(Editor.fromText(puzzle.start))
      setVerdict(undefined)
    } else if (key.upArrow || key.pageUp)
      setScroll((s) => Math.max(0, s - (key.pageUp ? panel : 1)))
    else if (key.downArrow || key.pageDown)
      setScroll((s) => Math.min(Math.max(0, lines.length - panel), s + (key.pageDown ? panel : 1)))
  })
  return (
    <Box flexDirection="column">
      <Text wrap="wrap">{puzzle.task}</Text>
      <CodeEditor buffer={buffer} editing={editing} />
      <Text dimColor>
        {editing
          ? "editing: arrows move · type to insert · enter new line · backspace/delete · esc stop editing"
          : "e edit · c check with tsc · up/down scroll the errors · x start over"}
      </Text>
      {running ? (
        <Text>{puzzle.against ? "tsc is checking, then the explorer…" : "tsc is checking…"}</Text>
      ) : null}
      {verdict?.solved ? (
        <Text {...tint(theme, "green")} wrap="wrap">
          solved: tsc reports no error{explored.length > 0 ? `; ${explored.join("; ")}` : ""}
        </Text>
      ) : null}
      {verdict && !verdict.solved ? (
        <Box flexDirection="column" borderStyle={theme.plain ? undefined : "single"}>
          <Text bold>
            {verdict.diagnostics.length > 0
              ? `tsc: ${verdict.diagnostics.length} error${verdict.diagnostics.length === 1 ? "" : "s"}`
              : "tsc: no error; the explorer found a problem"}{" "}
            (lines {scroll + 1}-{Math.min(lines.length, scroll + panel)} of {lines.length})
          </Text>
          {lines.slice(scroll, scroll + panel).map((l, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: diagnostic lines are positional
            <Text key={scroll + i} {...tint(theme, "red")} wrap="wrap">
              {l}
            </Text>
          ))}
        </Box>
      ) : null}
      {solved || verdict?.solved ? (
        <Box flexDirection="column">
          <Text bold>Reference solution</Text>
          {puzzle.solution.split("\n").map((l, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: code lines are positional
            <Text key={i} {...tint(theme, "green")} wrap="truncate-end">
              {l}
            </Text>
          ))}
        </Box>
      ) : null}
    </Box>
  )
}
