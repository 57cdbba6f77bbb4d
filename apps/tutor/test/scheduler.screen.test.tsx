import { render } from "ink-testing-library"
import { describe, expect, it } from "vitest"
import { PuzzleScreen } from "../src/components/PuzzleScreen.js"
import { SchedulerView } from "../src/components/SchedulerView.js"
import { ThemeContext } from "../src/components/Theme.js"
import type { SchedulerPuzzle } from "../src/engine/Puzzle.js"
import { puzzles } from "../src/puzzles/index.js"
import { schedulers } from "../src/puzzles/schedulers.js"
import { tick, type } from "./support/keys.js"

const byId = (id: string) => schedulers.find((p) => p.id === id) as SchedulerPuzzle
// The L9 puzzle: the fault (task 1) holds the VMA read lock (lock_vma_under_rcu is three moves)
// and asks for the mmap lock while mprotect (task 2) holds mmap write, finds the VMA and waits
// in vma_start_write for that reader.
const win = ["1", "1", "1", "2", "2", "2", "1"]
const deadlock = byId("sched-fault-vs-mprotect")

describe("scheduler screen", () => {
  it("states the goal, never the flaw, and hides sim's rule reports until the win", async () => {
    const app = render(<PuzzleScreen puzzle={deadlock} stars={undefined} onSolved={() => {}} />)
    expect(app.lastFrame()).toContain("Goal: a deadlock")
    // Stepping the flawed task alone breaks L9 in sim, but that is not the goal here.
    await type(app, ["1", "1"])
    expect(app.lastFrame()).not.toContain("L9")
    expect(app.lastFrame()).not.toContain("solved")
  })

  it("wins by causing the deadlock; then shows sim's reports and the lesson", async () => {
    let stars = 0
    const app = render(
      <PuzzleScreen
        puzzle={deadlock}
        stars={undefined}
        onSolved={(s) => {
          stars = s
        }}
      />,
    )
    await type(app, win)
    expect(app.lastFrame()).toContain("solved: deadlock")
    expect(app.lastFrame()).toContain("Winning schedule: 1 1 1 2 2 2 1")
    expect(app.lastFrame()).toContain("sim reports L9")
    expect(stars).toBe(3)
  })

  it("u undoes the last move by replaying the schedule without it", async () => {
    const app = render(<SchedulerView puzzle={deadlock} onSolved={() => {}} />)
    await type(app, ["1", "2"])
    expect(app.lastFrame()).toContain("2. mprotect: lock_write mmap")
    expect(app.lastFrame()).toContain("W:mprotect")
    await type(app, ["u"])
    expect(app.lastFrame()).not.toContain("2. mprotect: lock_write mmap")
    expect(app.lastFrame()).not.toContain("W:mprotect")
    expect(app.lastFrame()).toContain("1. fault: lock_vma_under_rcu(600)")
    // After the undo the game goes on: the deadlock is still reachable.
    await type(app, ["1", "1", "2", "2", "2", "1"])
    expect(app.lastFrame()).toContain("solved: deadlock")
  })

  it("expands pte_offset_map_lock into map, lock and re-check, and shows where the task is", async () => {
    const p = byId("sched-khugepaged-vs-fault")
    const app = render(<SchedulerView puzzle={p} onSolved={() => {}} />)
    await type(app, ["1", "1"])
    expect(app.lastFrame()).toMatch(/▸ map: rcu_read_lock, read the PMD entry/)
    await type(app, ["1"])
    expect(app.lastFrame()).toMatch(/✓ map: rcu_read_lock[\s\S]*▸ lock: take that PTE table's lock/)
    // Every call expanded with e: vma_start_write's wait and lock_vma_under_rcu's inner steps.
    const other = render(<SchedulerView puzzle={deadlock} onSolved={() => {}} />)
    await type(other, ["e"])
    expect(other.lastFrame()).toContain("wait until the VMA's readers leave")
    expect(other.lastFrame()).toContain("vma_start_read: raise vm_refcnt")
    // lock_vma_under_rcu is three moves: after one, the lookup is done and vma_start_read next.
    await type(other, ["1"])
    expect(other.lastFrame()).toMatch(/✓ lookup: rcu_read_lock[\s\S]*▸ vma_start_read/)
  })

  it("vma_start_write waiting for a reader shows the wait inside the call", async () => {
    const app = render(<SchedulerView puzzle={deadlock} onSolved={() => {}} />)
    await type(app, ["1", "1", "1", "2", "2", "2"])
    expect(app.lastFrame()).toContain("… wait until the VMA's readers leave")
    expect(app.lastFrame()).toContain("vma:1 R:fault waiting:mprotect(write)")
  })

  it("r replays the winning schedule step by step after the win", async () => {
    const app = render(<SchedulerView puzzle={deadlock} onSolved={() => {}} replayInterval={5} />)
    const { frames, lastFrame } = app
    await type(app, win)
    const before = frames.length
    await type(app, ["r"])
    for (let waited = 0; waited < 5000 && !lastFrame()?.includes("replay 7/7"); waited += 30)
      await tick()
    const shown = frames.slice(before).join("\n")
    expect(shown).toContain("replay 1/7: fault steps")
    expect(shown).toContain("replay 4/7: mprotect steps")
    expect(shown).toContain("replay 7/7: fault steps")
  })

  it("k kills a task asleep in vma_start_write_killable; the win shows the kill in the schedule", async () => {
    const p = puzzles.find((x) => x.id === "sched-killable") as SchedulerPuzzle
    const app = render(<SchedulerView puzzle={p} onSolved={() => {}} />)
    // The fault (task 2) takes its VMA read lock; the writer (task 1) sleeps killably on it.
    await type(app, ["2", "2", "2", "1", "1", "1", "1", "1", "1"])
    expect(app.lastFrame()).toContain("k kill the task in a killable wait")
    await type(app, ["k", "1"])
    expect(app.lastFrame()).toContain("solved: writer writes vm_flags of VMA")
    expect(app.lastFrame()).toContain("Winning schedule: 2 2 2 1 1 1 1 1 1 k1 1")
  })

  it("plain mode names the inner steps' state in words", async () => {
    const app = render(
      <ThemeContext value={{ color: false, plain: true }}>
        <SchedulerView puzzle={byId("sched-khugepaged-vs-fault")} onSolved={() => {}} />
      </ThemeContext>,
    )
    await type(app, ["1", "1", "1"])
    expect(app.lastFrame()).toContain("done map: rcu_read_lock")
    expect(app.lastFrame()).toContain("next lock: take that PTE table's lock")
    // (… may still end a truncated line.)
    expect(app.lastFrame()).not.toMatch(/[✓▸]/)
  })

  it("scheduler titles and stories never name the rule broken", () => {
    for (const p of schedulers)
      for (const id of p.rules) {
        expect(p.title, p.id).not.toContain(id)
        expect(p.story, p.id).not.toContain(id)
      }
  })
})
