// End-to-end: the built game in a real terminal (tmux). Start, open the first chapter's first
// puzzle, solve it, play a scheduler puzzle with an undo, quit, start again and see the
// progress kept; then the workshop: an exercise edited on disk solved, and one that runs
// against other paths explored by the bundled game (the race it has reported).
import { execFileSync, spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { inChapter, puzzles } from "../../src/puzzles/index.js"
import { load } from "../../src/save/progress.js"
import { exercises } from "../../src/workshop/Exercises.js"
import { givingUp } from "../support/answers.js"
import { faultLight, pickKeys } from "../support/keys.js"

const L = inChapter("L").length
const deadlock = puzzles.findIndex((p) => p.id === "sched-fault-vs-mprotect")

const cli = join(import.meta.dirname, "..", "..", "dist", "cli.js")
const session = `mmguard-e2e-${process.pid}`
const config = mkdtempSync(join(tmpdir(), "mmguard-e2e-"))
const installed = spawnSync("tmux", ["-V"]).error === undefined
const tmux = (...args: Array<string>) => {
  if (!installed)
    throw new Error(
      "tmux is not installed: this test plays the game in tmux (apt-get install tmux)",
    )
  return execFileSync("tmux", args, { encoding: "utf8" })
}
const screen = () => tmux("capture-pane", "-p", "-t", session)
const waitFor = async (text: string, ms = 10_000) => {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (screen().includes(text)) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`timed out waiting for "${text}"; the screen shows:\n${screen()}`)
}
/**
 * Starts the built game in a 100x32 tmux session, with `env` (e.g. "NO_COLOR=1 ") first. The
 * game runs as in a player's terminal: without the CI variable, which turns colors off (the
 * color support check treats an unknown CI as a terminal without colors).
 */
const launch = (env: string, args: ReadonlyArray<string>) =>
  tmux(
    "new-session",
    "-d",
    "-s",
    session,
    "-x",
    "100",
    "-y",
    "32",
    `env -u CI ${env}XDG_CONFIG_HOME=${config} ${process.execPath} ${cli} ${args.join(" ")}`,
  )
const start = (...args: Array<string>) => launch("", args)
const keys = async (...k: Array<string>) => {
  for (const key of k) {
    tmux("send-keys", "-t", session, key)
    await new Promise((r) => setTimeout(r, 60))
  }
}
const alive = () => spawnSync("tmux", ["has-session", "-t", session]).status === 0

// The session may end on its own at any moment (the game quits): kill it if it is still there,
// without failing when it is already gone.
afterAll(() => {
  spawnSync("tmux", ["kill-session", "-t", session])
})

describe("the tutor in a real terminal", () => {
  it("solves a puzzle, quits, and finds the progress kept after a restart", async () => {
    start()
    await waitFor(`Locks and stability (0/${L})`)
    await keys("Enter")
    await waitFor("Handle a page fault at page 600")
    await keys(...pickKeys(faultLight, "Down", "Up", "Enter"), "r")
    await waitFor("solved *** (3/3)", 30_000)
    await keys("Escape")
    await waitFor(`Locks and stability (1/${L})`)
    // The scheduler puzzle: step, undo, then cause the deadlock.
    await keys(...Array<string>(deadlock).fill("Down"), "Enter")
    await waitFor("Goal: a deadlock")
    await keys("1", "2")
    await waitFor("2. mprotect: lock_write mmap")
    await keys("u")
    for (let i = 0; i < 100 && screen().includes("2. mprotect: lock_write mmap"); i++)
      await new Promise((r) => setTimeout(r, 50))
    expect(screen()).not.toContain("2. mprotect: lock_write mmap")
    expect(screen()).toContain("1. fault: lock_vma_under_rcu(600)")
    await keys("1", "1", "2", "2", "2", "1")
    await waitFor("solved: deadlock")
    expect(screen()).toContain("Winning schedule: 1 1 1 2 2 2 1")
    await keys("Escape")
    await waitFor(`Locks and stability (2/${L})`)
    await keys("q")
    const end = Date.now() + 5000
    while (alive() && Date.now() < end) await new Promise((r) => setTimeout(r, 50))
    expect(alive()).toBe(false)
    start()
    await waitFor(`Locks and stability (2/${L})`)
    expect(screen()).toContain("★★★")
    await keys("q")
  })

  it("workshop: an exercise edited on disk is re-checked and solved, and the game's save knows", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mmguard-e2e-ws-"))
    const first = exercises[0]
    if (first === undefined) throw new Error("no exercises")
    // The game of the test before may still be quitting.
    for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 50))
    spawnSync("tmux", ["kill-session", "-t", session])
    start("workshop", dir)
    await waitFor(`== ${first.file}`)
    await waitFor("error TS", 30_000)
    const path = join(dir, first.file)
    writeFileSync(
      path,
      readFileSync(path, "utf8").replace(first.puzzle.start, first.puzzle.solution),
    )
    await waitFor(`${first.file} solved`, 30_000)
    // An exercise that runs against other paths: it type-checks, the explorer finds the race.
    const fault = exercises.find((e) => e.puzzle.id === "type-fault")
    if (fault === undefined) throw new Error("no fault exercise")
    const faultPath = join(dir, fault.file)
    writeFileSync(
      faultPath,
      readFileSync(faultPath, "utf8").replace(fault.puzzle.start, givingUp(fault.puzzle)),
    )
    await waitFor("explored against mprotect: L2", 60_000)
    await keys("h", "Enter")
    await waitFor("hint 1/")
    await keys("q", "Enter")
    const end = Date.now() + 5000
    while (alive() && Date.now() < end) await new Promise((r) => setTimeout(r, 50))
    expect(alive()).toBe(false)
    expect(load(join(config, "mmguard")).progress.solved[first.puzzle.id]).toBe(3)
  })

  it("honours NO_COLOR and redraws for a resized terminal", async () => {
    for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 50))
    spawnSync("tmux", ["kill-session", "-t", session])
    // An SGR sequence that sets a foreground or background color (bold and resets are fine).
    const color = new RegExp(
      `${String.fromCharCode(27)}\\[(?:\\d+;)*(?:3[0-7]|9[0-7]|4[0-7]|10[0-7]|38|48)(?:;\\d+)*m`,
    )
    const styled = () => tmux("capture-pane", "-p", "-e", "-t", session)
    start()
    await waitFor("Locks and stability")
    expect(styled()).toMatch(color)
    // A smaller terminal: the map fits it, the selection and the key line stay in view.
    await keys(...Array<string>(20).fill("Down"))
    tmux("resize-window", "-t", session, "-x", "60", "-y", "16")
    const end = Date.now() + 5000
    while (
      Date.now() < end &&
      screen()
        .split("\n")
        .filter((l) => l.trim()).length > 16
    )
      await new Promise((r) => setTimeout(r, 50))
    const rows = screen().trimEnd().split("\n")
    expect(rows.length).toBeLessThanOrEqual(16)
    expect(rows.every((l) => l.length <= 60)).toBe(true)
    expect(rows.some((l) => l.startsWith("> "))).toBe(true)
    expect(rows.at(-1)).toContain("up/down select")
    await keys("q")
    for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 50))
    spawnSync("tmux", ["kill-session", "-t", session])
    launch("NO_COLOR=1 ", [])
    await waitFor("Locks and stability")
    expect(styled()).not.toMatch(color)
    await keys("q")
  })
})
