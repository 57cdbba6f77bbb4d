import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PassThrough } from "node:stream"
import { describe, expect, it } from "vitest"
import { load } from "../src/save/progress.js"
import { exercises } from "../src/workshop/Exercises.js"
import { workshop } from "../src/workshop/Workshop.js"
import { givingUp } from "./support/answers.js"

const until = async (lines: Array<string>, text: string, ms = 60_000) => {
  const end = Date.now() + ms
  while (Date.now() < end && !lines.some((l) => l.includes(text)))
    await new Promise((r) => setTimeout(r, 50))
  expect(lines.join("\n")).toContain(text)
}

describe("workshop: the type puzzles as files, re-checked on every save", () => {
  it("writes the exercises, checks each save with tsc, and records a solve in the game's save", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mmguard-ws-"))
    const saves = mkdtempSync(join(tmpdir(), "mmguard-ws-save-"))
    const lines: Array<string> = []
    const input = new PassThrough()
    const done = workshop(dir, { out: (l) => lines.push(l), saveDir: saves, input, debounce: 50 })
    const first = exercises[0]
    if (first === undefined) throw new Error("no exercises")
    // The first exercise comes up, checked at once: tsc's errors with file, line and column.
    await until(lines, `== ${first.file}`)
    await until(lines, `${first.file}(`)
    expect(lines.join("\n")).toMatch(/error TS\d+/)
    expect(readFileSync(join(dir, "tsconfig.json"), "utf8")).toContain('"strict": true')
    input.write("h\n")
    await until(lines, `hint 1/${first.puzzle.hints.length}: ${first.puzzle.hints[0]}`)
    // The player saves the solution: solved, the reference solution, and the next exercise.
    const path = join(dir, first.file)
    writeFileSync(
      path,
      readFileSync(path, "utf8").replace(first.puzzle.start, first.puzzle.solution),
    )
    await until(lines, `✓ ${first.file} solved`)
    await until(lines, "Reference solution:")
    await until(lines, `== ${exercises[1]?.file}`)
    expect(load(saves).progress.solved[first.puzzle.id]).toBe(3)
    input.write("l\n")
    await until(lines, `1/${exercises.length} solved`)
    input.write("q\n")
    await done
    // A second start keeps the player's files and resumes at the first unsolved exercise.
    const again: Array<string> = []
    const input2 = new PassThrough()
    const second = workshop(dir, { out: (l) => again.push(l), saveDir: saves, input: input2 })
    await until(again, `== ${exercises[1]?.file}`)
    expect(readFileSync(path, "utf8")).toContain(first.puzzle.solution)
    input2.end()
    await second
  })

  it("explores an exercise that runs against other paths once tsc accepts it: a race is reported with its rule, the solution is safe", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mmguard-ws-"))
    const saves = mkdtempSync(join(tmpdir(), "mmguard-ws-save-"))
    const lines: Array<string> = []
    const input = new PassThrough()
    const done = workshop(dir, { out: (l) => lines.push(l), saveDir: saves, input, debounce: 50 })
    const fault = exercises.find((e) => e.puzzle.id === "type-fault")
    if (fault === undefined) throw new Error("no fault exercise")
    await until(lines, `== ${exercises[0]?.file}`)
    expect(readFileSync(join(dir, fault.file), "utf8")).toContain(
      "safe against munmap and mprotect",
    )
    // It type-checks, but gives up when lock_vma_under_rcu fails: mprotect makes that happen.
    const path = join(dir, fault.file)
    const start = readFileSync(path, "utf8")
    writeFileSync(path, start.replace(fault.puzzle.start, givingUp(fault.puzzle)))
    await until(lines, "explored against mprotect: L2:")
    await until(lines, "schedule: ")
    expect(lines.join("\n")).toMatch(/schedule: (you|mprotect)( (you|mprotect))+/)
    expect(lines.join("\n")).not.toContain(`✓ ${fault.file} solved`)
    expect(load(saves).progress.solved[fault.puzzle.id]).toBeUndefined()
    // The reference solution: tsc, then safe against both paths.
    writeFileSync(path, start.replace(fault.puzzle.start, fault.puzzle.solution))
    await until(lines, `✓ ${fault.file} solved`)
    await until(lines, "explored against munmap and mprotect: safe in every interleaving")
    expect(load(saves).progress.solved[fault.puzzle.id]).toBe(3)
    input.write("q\n")
    await done
  })
})
