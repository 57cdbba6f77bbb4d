/**
 * The tasks' programs side by side, the next step of each marked; a kernel call that is
 * several steps inside is expanded under it (always for the step a task is at, for every
 * call when `expandAll`).
 */
import { Program, type World } from "@mmguard/sim"
import { Box, Text } from "ink"
import { innerSteps } from "../engine/Expansion.js"
import { tint, useTheme } from "./Theme.js"

/** Props: the world shown and whether every call is expanded. */
export interface ProgramViewProps {
  readonly world: World
  readonly expandAll: boolean
}

const markOf = { done: "✓", next: "▸", waiting: "…", todo: " " } as const
const wordOf = { done: "done", next: "next", waiting: "waiting", todo: "" } as const

/** The program view. */
export const ProgramView = ({ world, expandAll }: ProgramViewProps) => {
  const theme = useTheme()
  return (
    <Box>
      {world.tasks.map((t) => (
        <Box key={t.id} flexDirection="column" width={`${Math.floor(100 / world.tasks.length)}%`}>
          <Text bold>
            {t.id + 1}. {t.name} [{t.status}]
          </Text>
          {t.program.flatMap((s, i) => {
            const at = i === t.pc && t.status !== "done"
            const inner = innerSteps(world, t, s, i)
            const line = (
              // biome-ignore lint/suspicious/noArrayIndexKey: program lines are positional
              <Text key={i} {...(at ? tint(theme, "yellow") : {})} wrap="truncate-end">
                {at ? "> " : "  "}
                {Program.show(s)}
              </Text>
            )
            if (inner.steps.length === 0 || !(at || expandAll)) return [line]
            return [
              line,
              ...inner.steps.map((x, k) => (
                <Text
                  // biome-ignore lint/suspicious/noArrayIndexKey: inner steps are positional
                  key={`${i}.${k}`}
                  dimColor={x.at === "todo" || x.at === "done"}
                  wrap="truncate-end"
                >
                  {"    "}
                  {theme.plain ? `${wordOf[x.at]} ` : `${markOf[x.at]} `}
                  {x.text}
                </Text>
              )),
              ...(inner.atomic
                ? [
                    // biome-ignore lint/suspicious/noArrayIndexKey: one note per program line
                    <Text key={`${i}.atomic`} dimColor wrap="truncate-end">
                      {"    "}(one move in sim: nothing can run between these)
                    </Text>,
                  ]
                : []),
            ]
          })}
        </Box>
      ))}
    </Box>
  )
}
