import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { render } from "ink-testing-library"
import { describe, expect, it } from "vitest"
import { App } from "../src/components/App.js"
import { ChapterMap } from "../src/components/ChapterMap.js"
import { HelpOverlay } from "../src/components/HelpOverlay.js"
import { PuzzleScreen } from "../src/components/PuzzleScreen.js"
import { ThemeContext } from "../src/components/Theme.js"
import { inChapter } from "../src/puzzles/index.js"
import { empty, load, save, solve } from "../src/save/progress.js"
import { DOWN, ENTER, faultLight, pickKeys, tick, type, UP } from "./support/keys.js"

const L = inChapter("L").length
const solveFaultLight = [...pickKeys(faultLight, DOWN, UP, ENTER), "r"]

const byId = (id: string) => {
  const p = inChapter("L").find((x) => x.id === id)
  if (!p) throw new Error(id)
  return p
}

describe("screens", () => {
  it("chapter map lists the seven chapters with progress, and rule IDs of solved puzzles only", () => {
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
      `Locks and stability (1/${L})`,
      "VMA fields",
      "Page-table operations",
      "Lock ordering",
      "VMA lock internals",
      "Folding",
      "Real kernel paths",
    ])
      expect(f).toContain(c)
    expect(f).toContain("★★★")
    // Rule IDs show once a puzzle is solved; before, they would name the flaw to find.
    expect(f).toContain("A page fault, as light as possible [L2 P3 P8] ★★★")
    expect(f).toMatch(/Two threads, one VMA ·/)
    expect(f).not.toContain("[L9")
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
    const { lastFrame } = app
    await type(app, solveFaultLight)
    expect(lastFrame()).toContain("solved *** (3/3)")
    expect(lastFrame()).toContain("against a concurrent writer")
    expect(stars).toBe(3)
  })

  it("lock picker: an rmap-free install without any lock names P3", async () => {
    const app = render(
      <PuzzleScreen puzzle={byId("fault-light")} stars={undefined} onSolved={() => {}} />,
    )
    const { lastFrame } = app
    await type(app, [DOWN, DOWN, DOWN, ENTER, DOWN, ENTER, DOWN, ENTER, "r"])
    expect(lastFrame()).toContain("P3:")
  })

  it("lock picker: giving up when lock_vma_under_rcu fails is refused, with the writer's schedule", async () => {
    const app = render(
      <PuzzleScreen puzzle={byId("fault-light")} stars={undefined} onSolved={() => {}} />,
    )
    await type(app, [DOWN, DOWN, ENTER, DOWN, ENTER, DOWN, ENTER, DOWN, ENTER, DOWN, ENTER, "r"])
    expect(app.lastFrame()).toContain("without mapping page 600")
    expect(app.lastFrame()).not.toContain("solved")
  })

  it("before solving: the brief and a hint ladder; after: lesson, rule texts and the kernel function", async () => {
    const p = byId("fault-light")
    const before = render(<PuzzleScreen puzzle={p} stars={undefined} onSolved={() => {}} />)
    expect(before.lastFrame()).not.toContain(p.lesson.slice(0, 40))
    expect(before.lastFrame()).toContain(`h: hint 1 of ${p.hints.length}`)
    await type(before, ["h", "h"])
    expect(before.lastFrame()).toContain(`hint 2: ${p.hints[1]?.slice(0, 30)}`)
    expect(before.lastFrame()).not.toContain("In the kernel")
    const after = render(<PuzzleScreen puzzle={p} stars={2} onSolved={() => {}} />)
    expect(after.lastFrame()).toContain(p.lesson.slice(0, 40))
    expect(after.lastFrame()).toContain("L2: lock_vma_under_rcu is the only way")
    expect(after.lastFrame()).toContain("In the kernel: do_user_addr_fault")
  })

  it("help overlay lists the keys", () => {
    expect(render(<HelpOverlay />).lastFrame()).toContain("esc")
  })

  it("app: ? toggles help, enter opens a puzzle, esc returns, a solve is saved", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mmguard-app-"))
    const app = render(<App saveDir={dir} initial={empty} />)
    const { lastFrame } = app
    await type(app, ["?"])
    expect(lastFrame()).toContain("Keys")
    await type(app, ["?", ENTER])
    expect(lastFrame()).toContain("Handle a page fault at page 600")
    // Meanwhile the workshop (another process) saved a solve: the game's save keeps it.
    save(dir, solve(empty, "type-install", 3))
    await type(app, [...solveFaultLight, "\u001B"])
    await tick()
    expect(lastFrame()).toContain(`Locks and stability (2/${L})`)
    expect(load(dir).progress.solved).toEqual({ "fault-light": 3, "type-install": 3 })
  })
})
