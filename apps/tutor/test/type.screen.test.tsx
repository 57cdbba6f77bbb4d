import { render } from "ink-testing-library"
import { describe, expect, it } from "vitest"
import { PuzzleScreen } from "../src/components/PuzzleScreen.js"
import { TypeView } from "../src/components/TypeView.js"
import type { TypePuzzle } from "../src/engine/Puzzle.js"
import { types } from "../src/puzzles/types.js"
import { givingUp } from "./support/answers.js"
import { BACKSPACE, DOWN, ENTER, ESC, RIGHT, type } from "./support/keys.js"

const p = types.find((x) => x.id === "type-vma-start-write") as TypePuzzle
const waitFor = async (app: { lastFrame: () => string | undefined }, text: string) => {
  for (let waited = 0; waited < 30_000 && !app.lastFrame()?.includes(text); waited += 50)
    await new Promise((r) => setTimeout(r, 50))
}

describe("type puzzle screen: written, not chosen", () => {
  it("edits the program in place, checks it with tsc, shows the errors in full, then solves", async () => {
    let stars = 0
    const app = render(
      <PuzzleScreen
        puzzle={p}
        stars={undefined}
        onSolved={(s) => {
          stars = s
        }}
      />,
    )
    expect(app.lastFrame()).toContain(
      "Core.mmapReadLock(mm, () => Core.vmaStartWrite(vma, Effect.void))",
    )
    await type(app, ["c"])
    await waitFor(app, "tsc: ")
    expect(app.lastFrame()).toMatch(/tsc: 1 error[\s\S]*LockRequired<"MmapWriteLock"/)
    // "Read" -> "Write": move to the R of mmapReadLock, delete four letters, type five.
    const at = p.start.indexOf("Read")
    await type(app, ["e", ...Array(at).fill(RIGHT), ..."Read".split("").map(() => "\u001B[3~")])
    await type(app, [..."Write".split("")])
    expect(app.lastFrame()).toContain(
      "Core.mmapWriteLock(mm, () => Core.vmaStartWrite(vma, Effect.void))",
    )
    // While editing, q and h are text, not commands.
    await type(app, ["q", "h"])
    expect(app.lastFrame()).toContain("Core.mmapWriteqhLock(")
    expect(app.lastFrame()).not.toContain("hint 1:")
    await type(app, [BACKSPACE, BACKSPACE, ESC, "h"])
    expect(app.lastFrame()).toContain("hint 1:")
    await type(app, ["c"])
    await waitFor(app, "solved: tsc reports no error")
    expect(app.lastFrame()).toContain("solved: tsc reports no error")
    expect(app.lastFrame()).toContain("Reference solution")
    expect(stars).toBe(3)
  })

  it("enter makes new lines; the diagnostics panel scrolls", async () => {
    const q = types.find((x) => x.id === "type-munmap") as TypePuzzle
    const app = render(<TypeView puzzle={q} onSolved={() => {}} panel={1} />)
    await type(app, ["e", ENTER, ESC])
    expect(app.lastFrame()).toContain(" 2 const program")
    expect(app.lastFrame()).not.toContain(" 1 const program")
    await type(app, ["c"])
    await waitFor(app, "tsc: ")
    const first = app.lastFrame() ?? ""
    const total = Number(/of (\d+)\)/.exec(first)?.[1])
    expect(total).toBeGreaterThan(1)
    expect(first).toContain(`(lines 1-1 of ${total})`)
    await type(app, [DOWN])
    expect(app.lastFrame()).toContain(`(lines 2-2 of ${total})`)
  })

  it("a program that compiles but races is not solved: the explorer's rule and schedule show", async () => {
    const fault = types.find((x) => x.id === "type-fault") as TypePuzzle
    let solved = false
    const app = render(
      <TypeView
        puzzle={{ ...fault, start: givingUp(fault) }}
        onSolved={() => {
          solved = true
        }}
        panel={4}
      />,
    )
    await type(app, ["c"])
    await waitFor(app, "the explorer found a problem")
    expect(app.lastFrame()).toContain("tsc: no error; the explorer found a problem")
    expect(app.lastFrame()).toContain("explored against mprotect: L2")
    expect(app.lastFrame()).toMatch(/schedule: (you|mprotect) /)
    expect(app.lastFrame()).not.toContain("Reference solution")
    expect(solved).toBe(false)
  })
})
