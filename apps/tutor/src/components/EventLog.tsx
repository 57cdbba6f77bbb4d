/** The last events of a run: steps taken and what the checker reported. */
import { Box, Text } from "ink"

/** Shows the last `size` lines of `lines`. */
export const EventLog = ({
  lines,
  size = 5,
}: {
  readonly lines: ReadonlyArray<string>
  readonly size?: number
}) => (
  <Box flexDirection="column">
    <Text bold>Events</Text>
    {lines.slice(-size).map((l, i) => (
      // biome-ignore lint/suspicious/noArrayIndexKey: a log is append-only
      <Text key={i} wrap="wrap">
        {l}
      </Text>
    ))}
  </Box>
)
