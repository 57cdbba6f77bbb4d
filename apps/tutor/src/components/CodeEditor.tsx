/** The editor's text with line numbers and, while editing, the cursor shown inverse. */
import { Box, Text } from "ink"
import type { Buffer } from "../engine/Editor.js"
import { tint, useTheme } from "./Theme.js"

/** Props: the buffer and whether it is being edited. */
export interface CodeEditorProps {
  readonly buffer: Buffer
  readonly editing: boolean
}

/** The code editor's view. */
export const CodeEditor = ({ buffer, editing }: CodeEditorProps) => {
  const theme = useTheme()
  return (
    <Box flexDirection="column" borderStyle={theme.plain ? undefined : "round"} paddingX={1}>
      {buffer.lines.map((l, row) => {
        const here = editing && row === buffer.row
        const num = `${String(row + 1).padStart(2)} `
        if (!here)
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional
            <Text key={row} wrap="wrap">
              <Text dimColor>{num}</Text>
              {l}
            </Text>
          )
        const at = l[buffer.col] ?? " "
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional
          <Text key={row} wrap="wrap">
            <Text {...tint(theme, "yellow")}>{num}</Text>
            {l.slice(0, buffer.col)}
            {theme.plain ? `[${at}]` : <Text inverse>{at}</Text>}
            {l.slice(buffer.col + 1)}
          </Text>
        )
      })}
      {editing && theme.plain ? (
        <Text>
          cursor at line {buffer.row + 1}, column {buffer.col + 1}
        </Text>
      ) : null}
    </Box>
  )
}
