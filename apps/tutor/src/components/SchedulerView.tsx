/**
 * A scheduler puzzle: the player steps tasks (1-9) until the goal consequence happens, with
 * undo (u); sim's rule reports stay hidden until the win, then show with the winning schedule.
 */
import { Move, Program } from "@mmguard/sim"
import { Box, Text, useInput, useWindowSize } from "ink"
import { useState } from "react"
import { Consequences } from "../engine/Consequence.js"
import type { SchedulerPuzzle } from "../engine/Puzzle.js"
import * as Game from "../engine/SchedulerGame.js"
import { useReplay } from "../hooks/useReplay.js"
import { EventLog } from "./EventLog.js"
import { LockPanel } from "./LockPanel.js"
import { PageTableView } from "./PageTableView.js"
import { ProgramView } from "./ProgramView.js"
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
  // On a short terminal the page-table view gives its lines to the programs and the events.
  const { rows } = useWindowSize()
  const roomy = rows >= 40
  const [game, setGame] = useState(() => Game.start(puzzle))
  const [expandAll, setExpandAll] = useState(false)
  const won = Game.victory(puzzle, game)
  const replay = useReplay(game.schedule.length, replayInterval)
  useInput((input) => {
    const n = Number(input)
    if (n >= 1 && n <= game.world.tasks.length && !won) {
      const next = Game.stepTask(puzzle, game, n - 1)
      setGame(next)
      if (!Game.victory(puzzle, game) && Game.victory(puzzle, next)) onSolved(3)
    } else if (input === "k" && !won) {
      const kill = Game.killMove(game)
      const next = kill === undefined ? game : Game.stepTask(puzzle, game, kill)
      setGame(next)
      if (!Game.victory(puzzle, game) && Game.victory(puzzle, next)) onSolved(3)
    } else if (input === "u" && !won) setGame(Game.undo(puzzle, game))
    else if (input === "e") setExpandAll((e) => !e)
    else if (input === "r" && won) replay.start()
    else if (input === "x") setGame(Game.start(puzzle))
  })
  // During a replay the screen shows the world after the first `frame` steps of the win.
  const world = replay.frame === undefined ? game.world : Game.replayAt(puzzle, game, replay.frame)
  const name = (id: number | undefined) => game.world.tasks[id ?? -1]?.name ?? `task ${id}`
  const log = [
    ...game.log.slice(-3).map((r, i, xs) => {
      const n = game.log.length - xs.length + i + 1
      return `${n}. ${name(r.task)}: ${Program.show(r.step)}`
    }),
    ...game.outcomes
      .filter((o) => o.kind !== puzzle.goal)
      .map((o) => `happened, but not the goal: ${Consequences[o.kind]}`),
    ...(won
      ? [
          `solved: ${won.detail}.`,
          `Winning schedule: ${game.schedule.map(Game.showMove).join(" ")} (r replays it)`,
          ...game.world.violations.map(
            (v) => `sim reports ${v.rule} (${v.kind}) in ${v.task}: ${v.message}`,
          ),
        ]
      : []),
    ...(replay.frame === undefined
      ? []
      : [
          `replay ${replay.frame}/${game.schedule.length}: ${name(Move.task(game.schedule[replay.frame - 1] ?? 0))} ${Move.alt(game.schedule[replay.frame - 1] ?? 0) === Move.KILL ? "is killed" : "steps"}`,
        ]),
    ...(Game.lost(puzzle, game)
      ? ["no task can run and the goal did not happen: u to step back, x to start again"]
      : []),
  ]
  return (
    <Box flexDirection="column">
      <Text wrap="wrap">{puzzle.story}</Text>
      <Text wrap="wrap" {...tint(theme, "cyan")}>
        Goal: {Consequences[puzzle.goal]}.
      </Text>
      <ProgramView world={world} expandAll={expandAll} />
      <Box>
        <Box width="50%">
          <LockPanel world={world} />
        </Box>
        {roomy ? (
          <Box width="50%">
            <PageTableView world={world} addr={puzzle.addr} />
          </Box>
        ) : null}
      </Box>
      <EventLog lines={log} size={won ? 8 : 5} />
      <Text dimColor>
        1-{game.world.tasks.length} step a task ·{" "}
        {Game.killMove(game) === undefined ? "" : "k kill the task in a killable wait · "}u undo · e
        expand calls · x restart
        {won ? " · r replay" : ""}
      </Text>
    </Box>
  )
}
