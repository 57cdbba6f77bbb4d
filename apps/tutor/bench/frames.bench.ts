// tutor.firstFrame: process start to the first rendered frame, in a real terminal (tmux);
// baseline: a bare node process printing the same text in the same terminal.
// tutor.keyFrame.<kind>: time to render the frame after a key press on the largest puzzle of
// each kind (in process, ink-testing-library), median of many presses; tutor.keyFrameCpu.<kind>:
// the CPU time of the same (robust to a loaded machine); baselines: the same for a one-line ink
// component that counts key presses.
import { execFileSync } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

// The game runs React's production build (scripts/bundle.mjs): measure the same. The modules
// are imported after the switch, which must come before React loads.
process.env.NODE_ENV = "production"
const { Text, useInput } = await import("ink")
const { render } = await import("ink-testing-library")
const { createElement, useState } = await import("react")
const { PuzzleScreen } = await import("../dist/components/PuzzleScreen.js")
const { puzzles } = await import("../dist/puzzles/index.js")

const report = (name: string, value: number, unit: string, baseline?: number) =>
  console.log(`BENCH ${JSON.stringify({ name, value, unit, ...(baseline ? { baseline } : {}) })}`)
const median = (xs: Array<number>) =>
  xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN

const firstFrame = (command: string) => {
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
    `XDG_CONFIG_HOME=${config} ${command}; sleep 5`,
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

type App = ReturnType<typeof render>

/**
 * Median time from a key press to the next frame, over `n` presses cycling through `keys`: wall
 * time, and the CPU time this process spent (what the frame costs, also on a loaded machine).
 */
const pressTimes = async (r: App, keys: ReadonlyArray<string>, n = 40) => {
  const wall: Array<number> = []
  const cpu: Array<number> = []
  for (let i = 0; i < n; i++) {
    const before = r.frames.length
    const t0 = performance.now()
    const c0 = process.cpuUsage()
    r.stdin.write(keys[i % keys.length] as string)
    while (r.frames.length === before && performance.now() - t0 < 1000)
      await new Promise((res) => setImmediate(res))
    const c = process.cpuUsage(c0)
    wall.push(performance.now() - t0)
    cpu.push((c.user + c.system) / 1000)
  }
  return { wall: median(wall), cpu: median(cpu) }
}

const screenOf = (p: (typeof puzzles)[number]) =>
  createElement(PuzzleScreen, { puzzle: p, stars: undefined, onSolved: () => {} })

const largest = (kind: string) =>
  puzzles
    .filter((p) => p.kind === kind)
    .map((p) => {
      const r = render(screenOf(p))
      const n = (r.lastFrame() ?? "").split("\n").length
      r.unmount()
      return { p, n }
    })
    .sort((a, b) => b.n - a.n)[0]?.p

// Keys that change the frame on each kind: step a task and undo; move the cursor; type and
// delete a character in the editor (after "e" starts editing).
const keysOf = {
  scheduler: ["1", "u"],
  lockPicker: ["\u001B[B", "\u001B[A"],
  type: ["x", "\u007F"],
}

const Counter = () => {
  const [n, setN] = useState(0)
  useInput(() => setN((x) => x + 1))
  return createElement(Text, null, `presses: ${n}`)
}
const base = render(createElement(Counter))
const baseline = await pressTimes(base, ["a"])
base.unmount()

report(
  "tutor.firstFrame",
  median([0, 1, 2].map(() => firstFrame(`${process.execPath} dist/cli.js`))),
  "ms",
  median(
    [0, 1, 2].map(() => firstFrame(`${process.execPath} -e "console.log('Locks and stability')"`)),
  ),
)
for (const kind of ["scheduler", "lockPicker", "type"] as const) {
  const p = largest(kind)
  if (p === undefined) continue
  const r = render(screenOf(p))
  if (kind === "type") await pressTimes(r, ["e"], 1)
  const t = await pressTimes(r, keysOf[kind])
  report(`tutor.keyFrame.${kind}`, t.wall, "ms", baseline.wall)
  report(`tutor.keyFrameCpu.${kind}`, t.cpu, "ms", baseline.cpu)
  r.unmount()
}
