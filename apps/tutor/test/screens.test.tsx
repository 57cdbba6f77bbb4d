import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { render } from "ink-testing-library"
import { describe, expect, it } from "vitest"
import { App } from "../src/components/App.js"
import { ChapterMap } from "../src/components/ChapterMap.js"
import { HelpOverlay } from "../src/components/HelpOverlay.js"
import { PuzzleScreen } from "../src/components/PuzzleScreen.js"
import { SchedulerView } from "../src/components/SchedulerView.js"
import { ThemeContext } from "../src/components/Theme.js"
import type { SchedulerPuzzle } from "../src/engine/Puzzle.js"
import { puzzles } from "../src/puzzles/index.js"
import { empty, load } from "../src/save/progress.js"

/** The chapter line of "Locks and stability" with one puzzle solved (the count follows the library). */
const locksSolvedOne = `Locks and stability (1/${puzzles.filter((p) => p.chapter === "L").length})`

const DOWN = "\u001B[B"
const ENTER = "\r"
const tick = () => new Promise((r) => setTimeout(r, 30))
/**
 * Presses `keys` one at a time, each after the previous one has been rendered (up to 2 s on a
 * loaded machine), so that no handler runs on a stale frame.
 */
const type = async (
  app: { stdin: { write: (s: string) => void }; frames: ReadonlyArray<string> },
  keys: ReadonlyArray<string>,
) => {
  for (const k of keys) {
    const before = app.frames.length
    app.stdin.write(k)
    for (let waited = 0; waited < 2000 && app.frames.length === before; waited += 10)
      await new Promise((r) => setTimeout(r, 10))
    await tick()
  }
}
const byId = (id: string) => {
  const p = puzzles.find((x) => x.id === id)
  if (!p) throw new Error(id)
  return p
}

const scheduler = (id: string) => {
  const p = byId(id)
  if (p.kind !== "scheduler") throw new Error(`${id} is not a scheduler puzzle`)
  return p as SchedulerPuzzle
}

describe("screens", () => {
  it("chapter map lists the six chapters with progress", () => {
    const { lastFrame } = render(
      <ChapterMap
        progress={{ ...empty, solved: { "fault-light": 3 } }}
        selected={0}
        onSelect={() => {}}
        onOpen={() => {}}
        rows={80}
      />,
    )
    const f = lastFrame() ?? ""
    for (const c of [
      locksSolvedOne,
      "VMA fields",
      "Page-table operations",
      "Lock ordering",
      "VMA lock internals",
      "Folding",
    ])
      expect(f).toContain(c)
    expect(f).toContain("★★★")
  })

  it("plain mode shows words instead of symbols", () => {
    const { lastFrame } = render(
      <ThemeContext value={{ color: false, plain: true }}>
        <ChapterMap
          progress={{ ...empty, solved: { "fault-light": 2 } }}
          selected={0}
          onSelect={() => {}}
          onOpen={() => {}}
          rows={80}
        />
      </ThemeContext>,
    )
    expect(lastFrame()).toContain("solved 2/3")
    expect(lastFrame()).not.toContain("★")
  })

  it("lock picker: composing the light fault path and running it solves with 3 stars", async () => {
    let stars = 0
    const app = render(
      <PuzzleScreen
        puzzle={byId("fault-light")}
        stars={undefined}
        onSolved={(s) => {
          stars = s
        }}
      />,
    )
    const { frames, lastFrame } = app
    await type(app, [DOWN, DOWN, ENTER, DOWN, ENTER, DOWN, ENTER, DOWN, ENTER, DOWN, ENTER, "r"])
    expect(lastFrame()).toContain("solved *** (3/3)")
    expect(stars).toBe(3)
  })

  it("lock picker: an rmap-free install without any lock names P3", async () => {
    const app = render(
      <PuzzleScreen puzzle={byId("fault-light")} stars={undefined} onSolved={() => {}} />,
    )
    const { frames, lastFrame } = app
    await type(app, [DOWN, DOWN, DOWN, ENTER, DOWN, ENTER, DOWN, ENTER, "r"])
    expect(lastFrame()).toContain("P3:")
  })

  it("scheduler: stepping the flawed task shows the checker's verdict and the schedule", async () => {
    const app = render(
      <PuzzleScreen puzzle={byId("munmap--no-zap")} stars={undefined} onSolved={() => {}} />,
    )
    const { frames, lastFrame } = app
    expect(lastFrame()).toContain("munmap")
    await type(app, ["1", "1", "1", "1"])
    expect(lastFrame()).toContain("solved: the checker caught P7")
  })

  it("scheduler: r replays the winning schedule step by step after the win", async () => {
    const app = render(
      <SchedulerView puzzle={scheduler("munmap--no-zap")} onSolved={() => {}} replayInterval={5} />,
    )
    const { frames, lastFrame } = app
    await type(app, ["1", "1", "1", "1"])
    expect(lastFrame()).toContain("(r replays it)")
    const before = frames.length
    await type(app, ["r"])
    // Frames arrive on timers: wait (up to 5 s on a loaded machine) for the last one.
    for (let waited = 0; waited < 5000 && !lastFrame()?.includes("replay 4/4"); waited += 30)
      await tick()
    const shown = frames.slice(before).join("\n")
    expect(shown).toContain("replay 1/4: munmap steps")
    expect(shown).toContain("replay 4/4: munmap steps")
    // The first replay frame shows the world after one step: mmap_write_lock is held.
    const first = frames.slice(before).find((f) => f.includes("replay 1/4")) ?? ""
    expect(first).toContain("mmap:proc")
  })

  it("type puzzle: shows the snippet line and the edits", () => {
    const { lastFrame } = render(
      <PuzzleScreen puzzle={byId("type-vma-start-write")} stars={undefined} onSolved={() => {}} />,
    )
    expect(lastFrame()).toContain("Core.mmapReadLock(mm, Core.vmaStartWrite(vma, Effect.void))")
    expect(lastFrame()).toContain("2. Core.mmapWriteLock")
  })

  it("help overlay lists the keys", () => {
    expect(render(<HelpOverlay />).lastFrame()).toContain("esc")
  })

  it("app: ? toggles help, enter opens a puzzle, esc returns, a solve is saved", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mmguard-app-"))
    const app = render(<App saveDir={dir} initial={empty} />)
    const { frames, lastFrame } = app
    await type(app, ["?"])
    expect(lastFrame()).toContain("Keys")
    await type(app, ["?", ENTER])
    expect(lastFrame()).toContain("Handle a page fault at page 600")
    await type(app, [
      DOWN,
      DOWN,
      ENTER,
      DOWN,
      ENTER,
      DOWN,
      ENTER,
      DOWN,
      ENTER,
      DOWN,
      ENTER,
      "r",
      "\u001B",
    ])
    await tick()
    expect(lastFrame()).toContain(locksSolvedOne)
    expect(load(dir).progress.solved).toEqual({ "fault-light": 3 })
  })
})
