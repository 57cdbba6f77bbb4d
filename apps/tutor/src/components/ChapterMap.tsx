/**
 * The chapter map: chapters with their puzzles and progress; up/down and enter to open. A
 * puzzle's rule IDs show once it is solved: before, they would name the flaw to find.
 */
import { Box, Text, useInput } from "ink"
import type { ReactNode } from "react"
import type { Puzzle } from "../engine/Puzzle.js"
import { chapters, inChapter, puzzles } from "../puzzles/index.js"
import type { Progress } from "../save/progress.js"
import { tint, useTheme } from "./Theme.js"

/** Props of the map. */
export interface ChapterMapProps {
  readonly progress: Progress
  readonly selected: number
  readonly onSelect: (index: number) => void
  readonly onOpen: (p: Puzzle) => void
  readonly rows: number
}

const kindLabel = { lockPicker: "locks", scheduler: "sched", type: "types" } as const

/** The chapter map screen. */
export const ChapterMap = ({ progress, selected, onSelect, onOpen, rows }: ChapterMapProps) => {
  const theme = useTheme()
  useInput((_, key) => {
    if (key.upArrow) onSelect(Math.max(0, selected - 1))
    if (key.downArrow) onSelect(Math.min(puzzles.length - 1, selected + 1))
    if (key.return) {
      const p = puzzles[selected]
      if (p) onOpen(p)
    }
  })
  const lines: Array<{ key: string; node: ReactNode }> = []
  for (const c of chapters) {
    const list = inChapter(c.id)
    const done = list.filter((p) => progress.solved[p.id]).length
    lines.push({
      key: c.id,
      node: (
        <Text bold {...tint(theme, "magenta")}>
          {c.id} {c.title} ({done}/{list.length})
        </Text>
      ),
    })
    for (const p of list) {
      const i = puzzles.indexOf(p)
      const stars = progress.solved[p.id]
      const mark = stars
        ? theme.plain
          ? `solved ${stars}/3`
          : "★".repeat(stars)
        : theme.plain
          ? "open"
          : "·"
      lines.push({
        key: p.id,
        node: (
          <Text
            wrap="truncate-end"
            inverse={i === selected && !theme.plain}
            {...(i === selected ? tint(theme, "cyan") : {})}
          >
            {i === selected ? "> " : "  "}
            {kindLabel[p.kind].padEnd(6)} {p.title}
            {stars ? ` [${p.rules.join(" ")}]` : ""} {mark}
          </Text>
        ),
      })
    }
  }
  // Keep the selection in view on small terminals.
  const at = lines.findIndex((l) => l.key === puzzles[selected]?.id)
  const height = Math.max(5, rows - 4)
  const first = Math.max(0, Math.min(at - Math.floor(height / 2), lines.length - height))
  return (
    <Box flexDirection="column">
      <Text bold>mmguard tutor — the kernel's mm locking rules, by play</Text>
      {lines.slice(first, first + height).map((l) => (
        <Box key={l.key}>{l.node}</Box>
      ))}
      <Text dimColor>up/down select · enter open · ? help · q quit</Text>
    </Box>
  )
}
