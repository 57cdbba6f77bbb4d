/**
 * Judges a lock-picker answer by running it as a task in sim's world: the checker (core's rule
 * table) names any broken rule; the goal actions must all have run; no lock may leak. Where the
 * puzzle has a contended case, the answer is also explored (sim's Explorer, every
 * interleaving) against a concurrent writer, so an answer that gives up when
 * lock_vma_under_rcu fails is no answer. Stars reward minimal locking: each lock the program
 * takes is dropped (or weakened from write to read) in turn, and if the program is still
 * correct without it, a star is lost.
 */
import {
  Explorer,
  isSimError,
  Program,
  type SimError,
  Validate,
  type Violation,
  World,
  type WorldSpec,
} from "@mmguard/sim"
import type { LockPicker } from "./Puzzle.js"

/** What exploring the contended case found. */
export interface Contended {
  /** Schedules' steps explored. */
  readonly states: number
  /** What went wrong in some interleaving, and the schedule (moves) that shows it. */
  readonly failure?: { readonly message: string; readonly schedule: ReadonlyArray<number> }
}

/** The verdict on one answer. */
export interface LockPickerVerdict {
  readonly solved: boolean
  readonly violations: ReadonlyArray<Violation>
  /** Goal steps the program never performed. */
  readonly missing: ReadonlyArray<string>
  readonly stars: 0 | 1 | 2 | 3
  /** What could be lighter, in words. */
  readonly heavier: ReadonlyArray<string>
  readonly world: World
  readonly contended?: Contended
  /** Why the program cannot run at all (sim's validator: a jump to a missing label, ...). */
  readonly invalid?: SimError
}

/** A goal write is done whether the field was stored plainly or atomically: how is the checker's to judge. */
const goalOf = (s: Program.Step): Program.Step => {
  if (s.op !== "writeVma" || s.atomic === undefined) return s
  const { atomic: _, ...plain } = s
  return plain
}

const same = (a: Program.Step, b: Program.Step) =>
  Program.show(goalOf(a)) === Program.show(goalOf(b))

/** The puzzle's world with `steps` as the player's task, and the writer when contended. */
const spec = (p: LockPicker, steps: ReadonlyArray<Program.Step>, contended = false): WorldSpec => {
  const mm = p.world.mms[0]?.name ?? "proc"
  return {
    ...p.world,
    tasks: [
      { name: "you", mm, program: steps },
      ...(contended && p.contended ? [{ name: "writer", mm, program: p.contended }] : []),
    ],
  }
}

/**
 * Runs `steps` as the only task of the puzzle's world, to completion. Throws the `SimError` of
 * a program sim's validator rejects (`judgeLockPicker` validates first and reports it).
 */
export const runSteps = (p: LockPicker, steps: ReadonlyArray<Program.Step>): World => {
  const w = new World(spec(p, steps))
  for (let n = 0; n < 500 && w.runnable().includes(0); n++) w.step(0)
  return w
}

/** Explores the answer against the concurrent writer: every interleaving must reach the goal. */
const explore = (p: LockPicker, steps: ReadonlyArray<Program.Step>): Contended => {
  const found = Explorer.explore(spec(p, steps, true), {
    maxStates: 20_000,
    invariant: (w) => {
      const you = w.tasks[0]
      const mm = [...w.mms.values()][0]
      return you?.status === "done" && mm !== undefined && mm.pt.read(p.addr) === 0
        ? `when the writer got in first, your task ended without mapping page ${p.addr}`
        : undefined
    },
  })
  if (found.verdict === "safe") return { states: found.states }
  return {
    states: found.states,
    failure: {
      message:
        found.verdict === "budget"
          ? "too many interleavings to explore: make the program shorter"
          : `${found.violation?.rule}: ${found.violation?.message}`,
      schedule: found.schedule ?? [],
    },
  }
}

const correct = (p: LockPicker, steps: ReadonlyArray<Program.Step>) => {
  const missing = p.goal.filter((g) => !steps.some((s) => same(s, g))).map(Program.show)
  const invalid = Validate.world(spec(p, steps))
  if (isSimError(invalid)) return { w: runSteps(p, []), missing, ok: false, invalid }
  const w = runSteps(p, steps)
  const alone = w.violations.length === 0 && missing.length === 0 && w.finished()
  const contended = alone && p.contended ? explore(p, steps) : undefined
  return { w, missing, contended, ok: alone && contended?.failure === undefined }
}

const isLock = (s: Program.Step) => s.op === "lock" || s.op === "lockVmaUnderRcu"

/** Programs one lock lighter than `steps`: a lock (and its unlock) removed, or write made read. */
const lighter = (
  p: LockPicker,
  steps: ReadonlyArray<Program.Step>,
): Array<{ what: string; steps: Array<Program.Step> }> => {
  const out: Array<{ what: string; steps: Array<Program.Step> }> = []
  const vmaLock = p.palette.find((s) => s.op === "lockVmaUnderRcu")
  steps.forEach((s, i) => {
    if (!isLock(s)) return
    const release = (u: Program.Step) =>
      s.op === "lock" && u.op === "unlock" && Program.show({ ...u, op: "lock" }) === Program.show(s)
    const j = steps.findIndex(
      (u, k) => k > i && (release(u) || (s.op === "lockVmaUnderRcu" && u.op === "vmaEndRead")),
    )
    out.push({
      what: `without ${Program.show(s)}`,
      steps: steps.filter((_, k) => k !== i && k !== j),
    })
    // The mmap read lock where the VMA read lock (lock_vma_under_rcu) would have done.
    if (
      s.op === "lock" &&
      s.lock === "mmap" &&
      s.mode === "read" &&
      vmaLock?.op === "lockVmaUnderRcu" &&
      !steps.some((u) => u.op === "lockVmaUnderRcu")
    )
      out.push({
        what: `${Program.show(vmaLock)} instead of ${Program.show(s)}`,
        steps: steps.map((u, k) =>
          k === i
            ? vmaLock
            : k === j
              ? ({ op: "vmaEndRead", addr: vmaLock.addr } as Program.Step)
              : u,
        ),
      })
    if (s.op === "lock" && s.mode === "write")
      out.push({
        what: `${Program.show(s)} in read mode`,
        steps: steps.map((u, k) =>
          k === i || k === j ? ({ ...u, mode: "read" } as Program.Step) : u,
        ),
      })
  })
  return out
}

/** Judges an answer to a lock-picker puzzle. */
export const judgeLockPicker = (
  p: LockPicker,
  steps: ReadonlyArray<Program.Step>,
): LockPickerVerdict => {
  const { w, missing, ok, invalid, contended } = correct(p, steps)
  const heavier = ok
    ? lighter(p, steps)
        .filter((l) => correct(p, l.steps).ok)
        .map((l) => l.what)
    : []
  const stars = ok ? (Math.max(1, 3 - heavier.length) as 1 | 2 | 3) : 0
  return {
    solved: ok,
    violations: w.violations,
    missing,
    stars,
    heavier,
    world: w,
    ...(contended ? { contended } : {}),
    ...(invalid ? { invalid } : {}),
  }
}
