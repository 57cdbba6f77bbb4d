// tutor.firstFrame: process start to the first rendered frame, in a real terminal (tmux).
// tutor.keyFrame: time to render the frame after a key press on the largest puzzle (in process,
// ink-testing-library), median of many presses.
import { execFileSync } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { render } from "ink-testing-library"
import { createElement } from "react"
import { PuzzleScreen } from "../dist/components/PuzzleScreen.js"
import { puzzles } from "../dist/puzzles/index.js"

const report = (name: string, value: number, unit: string) =>
  console.log(`BENCH ${JSON.stringify({ name, value, unit })}`)
const median = (xs: Array<number>) =>
  xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN

const firstFrame = () => {
  const session = `mmguard-bench-${process.pid}`
  const config = mkdtempSync(join(tmpdir(), "mmguard-bench-"))
  const t0 = performance.now()
  execFileSync("tmux", [
    "new-session",
    "-d",
    "-s",
    session,
    "-x",
    "100",
    "-y",
    "32",
    `XDG_CONFIG_HOME=${config} ${process.execPath} dist/cli.js`,
  ])
  let ms = Number.NaN
  while (performance.now() - t0 < 10_000) {
    const screen = execFileSync("tmux", ["capture-pane", "-p", "-t", session], { encoding: "utf8" })
    if (screen.includes("Locks and stability")) {
      ms = performance.now() - t0
      break
    }
  }
  execFileSync("tmux", ["kill-session", "-t", session])
  return ms
}

const keyFrame = async () => {
  // The largest puzzle: the one whose screen renders the most lines.
  const sizes = puzzles.map((p) => {
    const r = render(
      createElement(PuzzleScreen, { puzzle: p, stars: undefined, onSolved: () => {} }),
    )
    const n = (r.lastFrame() ?? "").split("\n").length
    r.unmount()
    return { p, n }
  })
  const largest = sizes.sort((a, b) => b.n - a.n)[0]?.p
  if (largest === undefined) return Number.NaN
  const r = render(
    createElement(PuzzleScreen, { puzzle: largest, stars: undefined, onSolved: () => {} }),
  )
  // Keys that change the frame on this puzzle's kind: step a task and restart, or move the cursor.
  const keys = largest.kind === "scheduler" ? ["1", "x"] : ["\u001B[B", "\u001B[A"]
  const times: Array<number> = []
  for (let i = 0; i < 40; i++) {
    const before = r.frames.length
    const t0 = performance.now()
    r.stdin.write(keys[i % 2] as string)
    while (r.frames.length === before && performance.now() - t0 < 1000)
      await new Promise((res) => setImmediate(res))
    times.push(performance.now() - t0)
  }
  r.unmount()
  return median(times)
}

report("tutor.firstFrame", median([firstFrame(), firstFrame(), firstFrame()]), "ms")
report("tutor.keyFrame", await keyFrame(), "ms")
