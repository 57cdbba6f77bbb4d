/** The five page-table levels of the world's architecture for one page, folded levels marked. */
import type { World } from "@mmguard/sim"
import { Box, Text } from "ink"
import { tint, useTheme } from "./Theme.js"

/** The page-table view of page `addr` in the first mm. */
export const PageTableView = ({
  world,
  addr,
}: {
  readonly world: World
  readonly addr: number
}) => {
  const theme = useTheme()
  const mm = [...world.mms.values()][0]
  if (mm === undefined) return null
  const steps = mm.pt.walk(addr)
  return (
    <Box flexDirection="column">
      <Text bold>
        Page tables ({world.arch.name}), page {addr}
      </Text>
      {steps.map((s) => (
        <Text
          key={s.level}
          {...(s.folded ? {} : tint(theme, s.present ? "green" : "yellow"))}
          dimColor={s.folded}
        >
          {s.level.padEnd(4)}{" "}
          {s.folded ? "folded (passes through)" : `[${s.index}] ${s.present ? "present" : "none"}`}
        </Text>
      ))}
    </Box>
  )
}
