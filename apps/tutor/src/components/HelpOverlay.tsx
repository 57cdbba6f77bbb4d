/** The help overlay: every key, by screen. */
import { Box, Text } from "ink"

const keys: ReadonlyArray<readonly [string, string]> = [
  ["up/down", "move the selection"],
  ["enter", "open a puzzle / add a call (lock picker) / start editing (type)"],
  ["backspace", "remove the last call (lock picker)"],
  ["r", "run the program (lock picker) / replay the win (scheduler)"],
  ["1-9", "step that task (scheduler)"],
  ["k", "kill the task asleep in a killable wait (scheduler)"],
  ["u", "undo the last step (scheduler)"],
  ["e", "expand every kernel call (scheduler) / edit the program (type)"],
  ["c", "check the program with tsc (type)"],
  ["esc", "stop editing (type) / back to the chapter map"],
  ["x", "start the puzzle again"],
  ["h", "next hint"],
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
