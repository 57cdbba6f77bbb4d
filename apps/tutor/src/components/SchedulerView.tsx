/** A scheduler puzzle: the player steps tasks until sim's checker reports the flaw. */
import { Program } from "@mmguard/sim"
import { Box, Text, useInput } from "ink"
import { useState } from "react"
import type { SchedulerPuzzle } from "../engine/Puzzle.js"
import * as Game from "../engine/SchedulerGame.js"
import { useReplay } from "../hooks/useReplay.js"
import { EventLog } from "./EventLog.js"
import { LockPanel } from "./LockPanel.js"
import { PageTableView } from "./PageTableView.js"
import { tint, useTheme } from "./Theme.js"

/** Props: the puzzle, what to do once it is solved, and the replay speed (ms per step). */
export interface SchedulerViewProps {
  readonly puzzle: SchedulerPuzzle
  readonly onSolved: (stars: number) => void
  readonly replayInterval?: number
}

/** The scheduler screen body. */
export const SchedulerView = ({ puzzle, onSolved, replayInterval = 600 }: SchedulerViewProps) => {
  const theme = useTheme()
  const [game, setGame] = useState(() => Game.start(puzzle))
  const won = Game.victory(puzzle, game)
  const replay = useReplay(game.schedule.length, replayInterval)
  useInput((input) => {
    const n = Number(input)
    if (n >= 1 && n <= game.world.tasks.length && !won) {
      const next = Game.stepTask(puzzle, game, n - 1)
      setGame(next)
      if (Game.victory(puzzle, next)) onSolved(3)
    } else if (input === "r" && won) replay.start()
    else if (input === "x") setGame(Game.start(puzzle))
  })
  // During a replay the screen shows the world after the first `frame` steps of the win.
  const world = replay.frame === undefined ? game.world : Game.replayAt(puzzle, game, replay.frame)
  const replayLine =
    replay.frame === undefined
      ? []
      : [
          `replay ${replay.frame}/${game.schedule.length}: ${world.tasks[game.schedule[replay.frame - 1] ?? 0]?.name} steps`,
        ]
  const log = [
    ...game.schedule
      .map((id, i) => `${i + 1}. ${game.world.tasks[id]?.name ?? id} steps`)
      .slice(-3),
    ...game.world.violations.map((v) => `${v.rule} (${v.kind}) in ${v.task}: ${v.message}`),
    ...(won
      ? [
          `solved: the checker caught ${won.rule}. Winning schedule: ${game.schedule.map((i) => i + 1).join(" ")} (r replays it)`,
        ]
      : []),
    ...replayLine,
    ...(Game.lost(puzzle, game)
      ? ["every task finished without the flaw showing: press x to try another order"]
      : []),
  ]
  return (
    <Box flexDirection="column">
      <Text>Step the tasks (keys 1-{game.world.tasks.length}) until the flaw shows.</Text>
      <Box>
        {world.tasks.map((t) => (
          <Box key={t.id} flexDirection="column" width={`${Math.floor(100 / world.tasks.length)}%`}>
            <Text bold>
              {t.id + 1}. {t.name} [{t.status}]
            </Text>
            {t.program.map((s, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: program lines are positional
              <Text key={i} {...(i === t.pc ? tint(theme, "yellow") : {})} wrap="truncate-end">
                {i === t.pc ? "> " : "  "}
                {Program.show(s)}
              </Text>
            ))}
          </Box>
        ))}
      </Box>
      <Box>
        <Box width="50%">
          <LockPanel world={world} />
        </Box>
        <Box width="50%">
          <PageTableView world={world} addr={puzzle.addr} />
        </Box>
      </Box>
      <EventLog lines={log} />
    </Box>
  )
}
