/**
 * The one validator of the simulator's inputs: world specs, task programs, single steps (for
 * external drivers such as `KernelLayer`) and explicit schedules. Each is first decoded with
 * `effect/Schema` (the step language of `Program`, the world spec below), then checked for what
 * a schema cannot say: labels that exist, VMAs that are non-empty, disjoint and inside the
 * architecture's user address space, tasks that name a known mm, moves that name a task.
 *
 * Every function returns the input (typed) or a `SimError` of kind `InvalidWorld`,
 * `InvalidProgram` or `InvalidSchedule` naming the task, the step index, the path of the bad
 * value and what is wrong. Nothing here changes anything; `World`, `Scheduler`, `Explorer` and
 * `KernelLayer` call it before they run anything.
 *
 * @since 0.1.0
 */
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import { type Arch, type ArchSpec, define, Levels, x86_64 } from "./Arch.js"
import { PageNumber, type Step, StepSchema, TaskSpecSchema } from "./Program.js"
import { isSimError, type SimError, type SimErrorKind, type SimErrorSite } from "./SimError.js"
import { decode, fail, isObject } from "./validate/Issues.js"
import { checkProgram, checkStep, outside } from "./validate/Programs.js"

/** A VMA of the initial world, with the pages mapped in it. */
export const VmaSetupSchema = Schema.Struct({
  start: PageNumber,
  end: PageNumber,
  /** The page offset of its first page in its file or anon_vma (default: `start`). */
  pgoff: Schema.optionalKey(PageNumber),
  /** The file it maps (its address_space is created on first use). */
  file: Schema.optionalKey(Schema.NonEmptyString),
  /** Give it an anon_vma. */
  anon: Schema.optionalKey(Schema.Boolean),
  /** Pages mapped to fresh frames. */
  mapped: Schema.optionalKey(Schema.Array(PageNumber)),
  /** Pages whose PTE table exists but maps nothing (what a zap leaves: khugepaged's prey). */
  tables: Schema.optionalKey(Schema.Array(PageNumber)),
})

/** A VMA of the initial world (the type of `VmaSetupSchema`). */
export type VmaSetup = typeof VmaSetupSchema.Type

/** The shape of a user-made architecture; `Arch.define` then checks its constraints. */
const ArchSpecSchema = Schema.Struct({
  name: Schema.String,
  pageShift: Schema.Number,
  bits: Schema.Array(Schema.Number),
  folded: Schema.Array(Schema.Literals(Levels)),
  hugeLevels: Schema.Array(Schema.Literals(Levels)),
  userBits: Schema.Number,
  splitPmdLock: Schema.Boolean,
  splitPteLock: Schema.Boolean,
})

/** The initial world: architecture, address spaces with their VMAs, and the tasks. */
export const WorldSpecSchema = Schema.Struct({
  /** The architecture (default x86-64 4-level): one of `Arch.all` or a result of `Arch.define`. */
  arch: Schema.optionalKey(Schema.declare((u): u is Arch => isObject(u))),
  mms: Schema.Array(
    Schema.Struct({ name: Schema.NonEmptyString, vmas: Schema.Array(VmaSetupSchema) }),
  ),
  tasks: Schema.Array(TaskSpecSchema),
})

/** The initial world (the type of `WorldSpecSchema`). */
export type WorldSpec = typeof WorldSpecSchema.Type

/** The most tasks a world may have: a move keeps its task id in 8 bits. */
export const maxTasks = 256

/** A move of an explicit schedule: `task | (alt << 8)`; alt 1 is "kill the waiting task". */
const MoveSchema = Schema.Number.check(
  Schema.isInt(),
  Schema.isGreaterThanOrEqualTo(0),
  Schema.isLessThan(2 << 8),
)

/** How the scheduler picks the next task (see `Scheduler.Policy`). */
export const PolicySchema = Schema.Union([
  Schema.Struct({ kind: Schema.Literal("roundRobin") }),
  Schema.Struct({ kind: Schema.Literal("random"), seed: Schema.Number.check(Schema.isFinite()) }),
  Schema.Struct({ kind: Schema.Literal("explicit"), schedule: Schema.Array(MoveSchema) }),
])

/** Where a path inside a world spec points: task and step indexes, the rest as the path. */
const locateInWorld = (
  path: ReadonlyArray<string | number>,
): { kind: SimErrorKind } & SimErrorSite => {
  const [top, task, field, step, ...rest] = path
  if (top === "tasks" && typeof task === "number") {
    if (field === "program" && typeof step === "number")
      return { kind: "InvalidProgram", task, step, path: rest }
    return { kind: "InvalidWorld", task, path: path.slice(2) }
  }
  return { kind: "InvalidWorld", path }
}

/** Checks a decoded architecture against `Arch.define` (its constraints and derived values). */
const checkArch = (arch: unknown, root: unknown): SimError | undefined => {
  const site = { path: ["arch"], rule: "P1" }
  const shape = Schema.decodeUnknownResult(ArchSpecSchema)(arch)
  if (Result.isFailure(shape))
    return fail(
      "InvalidWorld",
      root,
      "not an architecture: use one of Arch.all or Arch.define",
      site,
    )
  const made = define(shape.success as ArchSpec)
  if (isSimError(made)) return fail("InvalidWorld", root, made.message, site)
  const derived = (a: Arch) => JSON.stringify([a.pageSize, a.shift, a.ptrs, a.real, a.userPages])
  if (derived(made) !== derived(arch as Arch))
    return fail(
      "InvalidWorld",
      root,
      `${made.name}: derived constants differ from Arch.define's`,
      site,
    )
  return undefined
}

/** Names must be unique: the first repeated one, with its index, or undefined. */
const repeated = (names: ReadonlyArray<string>): { name: string; index: number } | undefined => {
  const seen = new Set<string>()
  for (const [index, name] of names.entries()) {
    if (seen.has(name)) return { name, index }
    seen.add(name)
  }
  return undefined
}

/**
 * The text of a spec for the cache of valid ones: JSON, with every value JSON would drop or
 * blur (undefined, NaN, infinities, functions, symbols, bigints) written as a marker that no
 * valid spec contains, so two inputs with one text are both valid or both not.
 */
const textOf = (input: unknown): string | undefined => {
  try {
    return JSON.stringify(input, (_k, v: unknown) =>
      v === undefined ||
      typeof v === "function" ||
      typeof v === "symbol" ||
      typeof v === "bigint" ||
      (typeof v === "number" && !Number.isFinite(v))
        ? `\u0000${typeof v}:${String(v)}`
        : v,
    )
  } catch {
    return undefined
  }
}

/** The texts of the specs found valid lately (replays and shrinking build one spec again and again). */
const validTexts = new Set<string>()

/** Validates a world spec: its shape, its address spaces and VMAs, its tasks and programs. */
export const world = (input: unknown): WorldSpec | SimError => {
  const text = textOf(input)
  if (text !== undefined && validTexts.has(text)) return input as WorldSpec
  const checked = checkWorld(input)
  if (text !== undefined && !isSimError(checked)) {
    if (validTexts.size >= 64) validTexts.delete(validTexts.values().next().value as string)
    validTexts.add(text)
  }
  return checked
}

/** `world` without the cache. */
const checkWorld = (input: unknown): WorldSpec | SimError => {
  const spec = decode(WorldSpecSchema, input, locateInWorld)
  if (isSimError(spec)) return spec
  if (spec.arch !== undefined) {
    const bad = checkArch(spec.arch, input)
    if (bad) return bad
  }
  const arch = spec.arch ?? x86_64
  const mmDup = repeated(spec.mms.map((m) => m.name))
  if (mmDup)
    return fail("InvalidWorld", input, `mm "${mmDup.name}" is defined twice`, {
      path: ["mms", mmDup.index, "name"],
    })
  for (const [m, mm] of spec.mms.entries()) {
    const sorted = [...mm.vmas.entries()].sort(([, a], [, b]) => a.start - b.start)
    for (const [k, [v, vma]] of sorted.entries()) {
      const path = (...rest: Array<string | number>) => ({
        path: ["mms", m, "vmas", v, ...rest],
        rule: "L7",
      })
      if (vma.end <= vma.start)
        return fail(
          "InvalidWorld",
          input,
          `the VMA [${vma.start}, ${vma.end}) is empty`,
          path("end"),
        )
      const out = outside(arch, vma.end, true)
      if (out) return fail("InvalidWorld", input, out, { ...path("end"), rule: "P1" })
      const prev = sorted[k - 1]
      if (prev && prev[1].end > vma.start)
        return fail(
          "InvalidWorld",
          input,
          `the VMA [${vma.start}, ${vma.end}) overlaps VMA ${prev[0]} [${prev[1].start}, ${prev[1].end})`,
          path("start"),
        )
      for (const key of ["mapped", "tables"] as const) {
        const pages = vma[key] ?? []
        const stray = pages.findIndex((p) => p < vma.start || p >= vma.end)
        if (stray >= 0)
          return fail(
            "InvalidWorld",
            input,
            `page ${pages[stray]} is outside its VMA [${vma.start}, ${vma.end})`,
            path(key, stray),
          )
        const dup = repeated(pages.map(String))
        if (dup)
          return fail(
            "InvalidWorld",
            input,
            `page ${dup.name} is listed twice`,
            path(key, dup.index),
          )
      }
    }
  }
  if (spec.tasks.length > maxTasks)
    return fail("InvalidWorld", input, `${spec.tasks.length} tasks: at most ${maxTasks}`, {
      path: ["tasks"],
    })
  const taskDup = repeated(spec.tasks.map((t) => t.name))
  if (taskDup)
    return fail("InvalidWorld", input, `a task named "${taskDup.name}" exists already`, {
      task: taskDup.index,
      path: ["name"],
    })
  const mms = new Set(spec.mms.map((m) => m.name))
  for (const [i, t] of spec.tasks.entries()) {
    if (!mms.has(t.mm))
      return fail(
        "InvalidWorld",
        input,
        `unknown mm "${t.mm}": the world has ${[...mms].map((n) => `"${n}"`).join(", ") || "no mm"}`,
        {
          task: i,
          path: ["mm"],
        },
      )
    const bad = checkProgram(arch, t.program, i, input)
    if (bad) return bad
  }
  return input as WorldSpec
}

/**
 * Validates one step run outside any program (an external driver's, e.g. `KernelLayer`): its
 * shape and its addresses on `arch`. Its failure branch is the driver's, so labels are not
 * resolved; the loop steps of rmap walks need a program and are refused.
 */
export const step = (arch: Arch, input: unknown): Step | SimError => {
  const s = decode(StepSchema, input, (path) => ({ kind: "InvalidProgram", step: 0, path }))
  if (isSimError(s)) return s
  if (s.op === "rmapWalk" || s.op === "rmapWalkNext")
    return fail("InvalidProgram", input, `${s.op} loops over a body: it runs only in a program`, {
      step: 0,
      path: ["op"],
    })
  const bad = checkStep(arch, s)
  return bad
    ? fail("InvalidProgram", input, bad.what, { step: 0, path: [bad.path], rule: bad.rule })
    : s
}

/**
 * Validates a scheduling policy for a valid world `spec`: its shape, and that every move of an
 * explicit schedule names one of the world's tasks.
 */
export const policy = <P>(spec: WorldSpec, input: P): P | SimError => {
  const p = decode(PolicySchema, input, (path) => ({ kind: "InvalidSchedule", path }))
  if (isSimError(p)) return p
  if (p.kind !== "explicit") return input
  const moves = schedule(spec, p.schedule, ["schedule"])
  return isSimError(moves) ? moves : input
}

/** Validates a step budget: a non-negative integer. */
export const maxSteps = (input: number): number | SimError =>
  decode(Schema.Number.check(Schema.isInt(), Schema.isGreaterThanOrEqualTo(0)), input, () => ({
    kind: "InvalidSchedule",
    path: ["maxSteps"],
  }))

/** Validates an explicit schedule (a list of moves) for a valid world `spec`. */
export const schedule = (
  spec: WorldSpec,
  input: unknown,
  base: ReadonlyArray<string | number> = [],
): ReadonlyArray<number> | SimError => {
  const moves = decode(Schema.Array(MoveSchema), input, (path) => ({
    kind: "InvalidSchedule",
    path: [...base, ...path],
  }))
  if (isSimError(moves)) return moves
  const bad = moves.findIndex((m) => (m & 0xff) >= spec.tasks.length)
  if (bad >= 0)
    return fail(
      "InvalidSchedule",
      input,
      `move ${moves[bad]} names task ${(moves[bad] as number) & 0xff}: the world has ${spec.tasks.length} tasks`,
      { path: [...base, bad] },
    )
  return moves
}
