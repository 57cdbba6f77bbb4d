/** Who holds which lock, in which mode, and who waits (from sim's world). */

import type { World } from "@mmguard/sim"
import { Box, Text } from "ink"
import { tint, useTheme } from "./Theme.js"

/** The lock-state panel. */
export const LockPanel = ({ world }: { readonly world: World }) => {
  const theme = useTheme()
  const name = (id: number) => world.tasks[id]?.name ?? `task ${id}`
  const rows = [...world.sems.values()].filter(
    (s) => s.writer !== null || s.readers.length > 0 || s.waiters.length > 0,
  )
  return (
    <Box flexDirection="column">
      <Text bold>Locks</Text>
      {rows.length === 0 ? <Text dimColor>(none held)</Text> : null}
      {rows.map((s) => (
        <Text key={s.name}>
          <Text {...tint(theme, "cyan")}>{s.name}</Text>
          {s.writer !== null ? ` W:${name(s.writer)}` : ""}
          {s.readers.length > 0 ? ` R:${s.readers.map(name).join(",")}` : ""}
          {s.waiters.length > 0
            ? ` waiting:${s.waiters.map((w) => `${name(w.task)}(${w.mode})`).join(",")}`
            : ""}
        </Text>
      ))}
      {world.tasks
        .filter((t) => t.rcuDepth > 0)
        .map((t) => (
          <Text key={`rcu${t.id}`}>rcu_read_lock: {t.name}</Text>
        ))}
    </Box>
  )
}
