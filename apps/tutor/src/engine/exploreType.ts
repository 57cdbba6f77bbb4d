/**
 * The second judge of a type puzzle whose program runs against other kernel paths
 * (`TypePuzzle.against`): once tsc accepts the file, it is emitted as JavaScript, loaded, and
 * its `program` compiled into a sim task (sim's `Compile`, the steps each core call makes); then
 * sim's `Explorer` runs it with each other path, every interleaving. A program that type-checks
 * can still be wrong where the types do not look: a fault that gives up when
 * lock_vma_under_rcu fails, locks of one object taken for another.
 *
 * sim is loaded from its installed package, not from the game's bundle, so that it and the
 * player's file share one copy of @mmguard/core and effect.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import type { World } from "@mmguard/sim"
import type { Against } from "./Puzzle.js"
import { runTsc } from "./tsc.js"

const require = createRequire(import.meta.url)

/** What exploring the program against the other paths found. */
export type Explored =
  | {
      readonly kind: "safe"
      /** The paths explored against, and the states (steps) explored in all. */
      readonly against: ReadonlyArray<string>
      readonly states: number
    }
  | {
      readonly kind: "violation"
      readonly against: string
      readonly rule: string
      readonly message: string
      /** The shrunk schedule that shows it: the task moved at each step, in order. */
      readonly schedule: ReadonlyArray<string>
    }
  | { readonly kind: "budget"; readonly against: string; readonly states: number }
  /** The program could not be run or compiled into a task (why, in words). */
  | { readonly kind: "cannot"; readonly message: string }

type Sim = typeof import("@mmguard/sim")

/** The name the player's task has in reports. */
const YOU = "you"

/** Most states one exploration may visit. */
const MAX_STATES = 200_000

/** Emits `file` (relative to the tsc project `dir`) as an ES module, unchecked: tsc did that. */
const emit = async (dir: string, file: string): Promise<string> => {
  const check = join(dir, ".check")
  mkdirSync(join(check, "out"), { recursive: true })
  writeFileSync(join(check, "out", "package.json"), '{ "type": "module" }\n')
  // One config per file: the workshop may check two files at once.
  const config = join(check, `emit-${file.replaceAll(/[\\/]/g, "-")}.json`)
  writeFileSync(
    config,
    JSON.stringify({
      extends: "../tsconfig.json",
      compilerOptions: {
        noEmit: false,
        noCheck: true,
        module: "preserve",
        outDir: "out",
        rootDir: "..",
      },
      include: [],
      files: [join("..", file)],
    }),
  )
  await runTsc(dir, config)
  return join(check, "out", file.replace(/\.ts$/, ".js"))
}

/** The assertion of `against.maps`, checked once every task is done. */
const mapsPage =
  (against: Against) =>
  (w: World): string | undefined => {
    const maps = against.maps
    const mm = w.mms.get(against.mms[0]?.name ?? "")
    if (maps === undefined || mm === undefined || w.tasks.some((t) => t.status !== "done"))
      return undefined
    const covered = mm.vmas.some((v) => v.start <= maps.page && maps.page < v.end)
    return covered && mm.pt.read(maps.page) === 0
      ? `your path ended with page ${maps.page} unmapped while its VMA is still there`
      : undefined
  }

/**
 * Explores the program of `file` (in the tsc project `dir`, already type-checked) against each
 * path of `against`, in turn; the first violation found ends the search.
 */
export const exploreType = async (
  dir: string,
  file: string,
  against: Against,
): Promise<Explored> => {
  let program: unknown
  let sim: Sim
  try {
    sim = (await import(pathToFileURL(require.resolve("@mmguard/sim")).href)) as Sim
    const js = await emit(dir, file)
    // A fresh URL per check: every save is a new module.
    const mod = (await import(`${pathToFileURL(js).href}?check=${Date.now()}`)) as {
      program?: unknown
    }
    program = mod.program
  } catch (error) {
    return { kind: "cannot", message: `the file did not run: ${String(error)}` }
  }
  if (program === undefined)
    return { kind: "cannot", message: "the file exports no program to explore" }
  const compiled = sim.Compile.compile(program as never, { name: YOU, mms: against.mms })
  if (compiled instanceof sim.Compile.CompileError)
    return { kind: "cannot", message: `the program cannot be simulated: ${compiled.message}` }
  let states = 0
  for (const other of against.paths) {
    const found = sim.Explorer.explore(
      { mms: against.mms, tasks: [compiled.task, other] },
      { maxStates: MAX_STATES, ...(against.maps ? { invariant: mapsPage(against) } : {}) },
    )
    states += found.states
    if (found.verdict === "budget") return { kind: "budget", against: other.name, states }
    if (found.verdict === "invalid")
      return { kind: "cannot", message: found.error?.message ?? "sim rejected the program" }
    if (found.verdict === "violation" && found.violation) {
      const v = found.violation
      const names = [YOU, other.name]
      return {
        kind: "violation",
        against: other.name,
        rule: v.rule === "invariant" ? (against.maps?.rule ?? v.rule) : v.rule,
        message: v.message,
        schedule: (found.schedule ?? []).map((m) =>
          sim.Move.alt(m) === sim.Move.KILL
            ? `kill ${names[sim.Move.task(m)]}`
            : (names[sim.Move.task(m)] ?? "?"),
        ),
      }
    }
  }
  return { kind: "safe", against: against.paths.map((p) => p.name), states }
}

/** The explorer's verdict in lines, for the game and the workshop. */
export const explainExplored = (e: Explored): ReadonlyArray<string> => {
  switch (e.kind) {
    case "safe":
      return [
        `explored against ${e.against.join(" and ")}: safe in every interleaving (${e.states} states)`,
      ]
    case "violation":
      return [
        `explored against ${e.against}: ${e.rule}: ${e.message}`,
        `schedule: ${e.schedule.join(" ")}`,
      ]
    case "budget":
      return [`explored against ${e.against}: too many interleavings (${e.states} states)`]
    case "cannot":
      return [e.message]
  }
}
