// End-to-end: the built game in a real terminal (tmux). Start, open the first chapter's first
// puzzle, solve it, quit, start again and see the progress kept.
import { execFileSync, spawnSync } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { puzzles } from "../../src/puzzles/index.js"

/** The chapter line of "Locks and stability" with `n` puzzles solved (the count follows the library). */
const locksSolved = (n: number) =>
  `Locks and stability (${n}/${puzzles.filter((p) => p.chapter === "L").length})`

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
const start = () =>
  tmux(
    "new-session",
    "-d",
    "-s",
    session,
    "-x",
    "100",
    "-y",
    "32",
    `XDG_CONFIG_HOME=${config} ${process.execPath} ${cli}`,
  )
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
    await waitFor(locksSolved(0))
    await keys("Enter")
    await waitFor("Handle a page fault at page 600")
    await keys(
      "Down",
      "Down",
      "Enter",
      "Down",
      "Enter",
      "Down",
      "Enter",
      "Down",
      "Enter",
      "Down",
      "Enter",
      "r",
    )
    await waitFor("solved *** (3/3)")
    await keys("Escape")
    await waitFor(locksSolved(1))
    await keys("q")
    const end = Date.now() + 5000
    while (alive() && Date.now() < end) await new Promise((r) => setTimeout(r, 50))
    expect(alive()).toBe(false)
    start()
    await waitFor(locksSolved(1))
    expect(screen()).toContain("★★★")
    await keys("q")
  })
})
