/**
 * `mmguard-tutor workshop [DIR]`: the type puzzles as files for the player's own editor. It
 * writes the exercises, checks the current one, then watches the folder: every save of an
 * exercise is re-checked with tsc (debounced), then, for an exercise whose path runs against
 * other kernel paths, with sim's explorer (safe, or the rule broken and the schedule that
 * shows it); a solved one prints its lesson, the kernel function and the reference solution,
 * and the next unsolved one comes up. Commands on stdin:
 * h (next hint), l (list), c (check the current exercise again), q (quit). Progress is the
 * game's save, so a puzzle solved here is solved in the game.
 */

import { watch } from "node:fs"
import { join } from "node:path"
import { createInterface } from "node:readline"
import { Catalogue } from "@mmguard/core"
import { explainExplored, exploreType } from "../engine/exploreType.js"
import { load, save, saveDir, solve } from "../save/progress.js"
import { checkExercise, type Exercise, exerciseOf, exercises, writeWorkshop } from "./Exercises.js"

/** Where to print, and the save folder (the game's by default). */
export interface WorkshopOptions {
  readonly out?: (line: string) => void
  readonly saveDir?: string
  /** Milliseconds a burst of file events is waited out before checking. */
  readonly debounce?: number
  /** Where commands come from (stdin by default); the workshop stops when it ends. */
  readonly input?: NodeJS.ReadableStream
}

/** Runs the workshop in `dir` until `q` (or stdin ends); resolves when it has stopped. */
export const workshop = (dir: string, options: WorkshopOptions = {}): Promise<void> => {
  const out = options.out ?? ((l: string) => console.log(l))
  const saves = options.saveDir ?? saveDir()
  const solved = () => load(saves).progress.solved
  writeWorkshop(dir)
  let current: Exercise | undefined = exercises.find((e) => !solved()[e.puzzle.id])
  let hint = 0
  const introduce = (e: Exercise | undefined) => {
    current = e
    hint = 0
    if (e === undefined) {
      out("Every exercise is solved. Well done.")
      return
    }
    out(`\n== ${e.file}: ${e.puzzle.title}`)
    out(e.puzzle.task)
    out("Open it in your editor and save to check. h hint · l list · c check · q quit")
  }
  const check = async (e: Exercise) => {
    const found = await checkExercise(dir, e)
    if (found.length > 0) {
      out(`\n${e.file}: ${found.length} error${found.length === 1 ? "" : "s"}`)
      for (const d of found) out(`${d.file}(${d.line},${d.col}): ${d.text}`)
      return
    }
    const against = e.puzzle.against
    let explored: ReadonlyArray<string> = []
    if (against) {
      out(`\n${e.file}: tsc reports no error; exploring it against the other paths…`)
      const found = await exploreType(dir, e.file, against)
      explored = explainExplored(found)
      if (found.kind !== "safe") {
        out(`${e.file}: not yet`)
        for (const l of explored) out(`  ${l}`)
        if (found.kind === "violation")
          out(`  ${found.rule}: ${Catalogue.summary(found.rule) ?? "see RULES.md"}`)
        return
      }
    }
    const already = solved()[e.puzzle.id] !== undefined
    save(saves, solve(load(saves).progress, e.puzzle.id, 3))
    out(`\n✓ ${e.file} solved${already ? " (again)" : ""}: tsc reports no error.`)
    for (const l of explored) out(`  ${l}`)
    out(e.puzzle.lesson)
    for (const id of e.puzzle.rules) out(`  ${id}: ${Catalogue.summary(id) ?? "see RULES.md"}`)
    out(`In the kernel: ${e.puzzle.kernel}`)
    out("Reference solution:")
    for (const l of e.puzzle.solution.split("\n")) out(`  ${l}`)
    if (e === current) introduce(exercises.find((x) => !solved()[x.puzzle.id]))
  }
  const list = () => {
    const done = solved()
    for (const e of exercises) out(`${done[e.puzzle.id] ? "✓" : " "} ${e.file}  ${e.puzzle.title}`)
    out(`${exercises.filter((e) => done[e.puzzle.id]).length}/${exercises.length} solved`)
  }
  introduce(current)
  if (current) void check(current)
  const timers = new Map<string, NodeJS.Timeout>()
  const watcher = watch(join(dir, "exercises"), (_event, name) => {
    const e = name ? exerciseOf(dir, String(name)) : undefined
    if (e === undefined) return
    clearTimeout(timers.get(e.file))
    timers.set(
      e.file,
      setTimeout(() => {
        timers.delete(e.file)
        if (current !== e) introduce(e)
        void check(e)
      }, options.debounce ?? 150),
    )
  })
  return new Promise((resolve) => {
    const input = createInterface({ input: options.input ?? process.stdin })
    let stopped = false
    const stop = () => {
      if (stopped) return
      stopped = true
      watcher.close()
      for (const t of timers.values()) clearTimeout(t)
      input.close()
      resolve()
    }
    input.on("line", (line) => {
      const cmd = line.trim()
      if (cmd === "q") stop()
      else if (cmd === "l") list()
      else if (cmd === "c" && current) void check(current)
      else if (cmd === "h" && current) {
        const h = current.puzzle.hints[hint]
        out(h ? `hint ${hint + 1}/${current.puzzle.hints.length}: ${h}` : "no more hints")
        if (h) hint++
      } else if (cmd !== "") out("commands: h hint · l list · c check · q quit")
    })
    input.on("close", () => stop())
  })
}
