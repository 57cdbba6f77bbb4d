/** The help overlay: every key, by screen. */
import { Box, Text } from "ink"

const keys: ReadonlyArray<readonly [string, string]> = [
  ["up/down", "move the selection"],
  ["enter", "open a puzzle / add a call / choose an edit"],
  ["backspace", "remove the last call (lock picker)"],
  ["r", "run the program (lock picker) / replay the win (scheduler)"],
  ["1-3", "step task 1-3 (scheduler)"],
  ["x", "start the puzzle again"],
  ["h", "next hint"],
  ["esc", "back to the chapter map"],
  ["?", "toggle this help"],
  ["q", "quit (progress is saved after every solved puzzle)"],
]

/** The list of keys. */
export const HelpOverlay = () => (
  <Box flexDirection="column" borderStyle="round" paddingX={1}>
    <Text bold>Keys</Text>
    {keys.map(([k, what]) => (
      <Text key={k}>
        {k.padEnd(10)} {what}
      </Text>
    ))}
  </Box>
)
