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
import type { Rules } from "@mmguard/core"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import { type Arch, type ArchSpec, define, Levels, x86_64 } from "./Arch.js"
import {
  endLabel,
  LockKindSchema,
  OpSchema,
  PageNumber,
  type Step,
  StepSchema,
  TaskSpecSchema,
} from "./Program.js"
import { isSimError, SimError, type SimErrorKind, type SimErrorSite } from "./SimError.js"
import { VmFlags } from "./Vma.js"

/** A VMA of the initial world, with the pages mapped in it. */
export const VmaSetupSchema = Schema.Struct({
  start: PageNumber,
  end: PageNumber,
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

const isObject = (u: unknown): u is object => typeof u === "object" && u !== null

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

const strict = { onExcessProperty: "error", errors: "first" } as const
const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

/** A value for a message: JSON where possible, else its `String`. */
const show = (x: unknown): string => {
  if (typeof x === "number" || typeof x === "bigint" || x === undefined) return String(x)
  try {
    return JSON.stringify(x) ?? String(x)
  } catch {
    return String(x)
  }
}

const at = (root: unknown, path: ReadonlyArray<PropertyKey>): unknown =>
  path.reduce<unknown>(
    (x, k) => (isObject(x) ? (x as Record<PropertyKey, unknown>)[k] : undefined),
    root,
  )

const pathText = (path: ReadonlyArray<string | number>): string =>
  path.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("")

/** Builds the error for `site` (the task name and step are added to the message). */
const fail = (
  kind: SimErrorKind,
  root: unknown,
  what: string,
  site: SimErrorSite & { readonly rule?: string | undefined },
): SimError => {
  const name = site.task === undefined ? undefined : at(root, ["tasks", site.task, "name"])
  const where = [
    site.task === undefined
      ? ""
      : `task ${site.task}${typeof name === "string" ? ` (${name})` : ""}`,
    site.step === undefined ? "" : `step ${site.step}`,
    site.path === undefined || site.path.length === 0 ? "" : pathText(site.path),
  ]
    .filter((x) => x !== "")
    .join(", ")
  return new SimError({
    kind,
    rule: site.rule ?? "input",
    message: where === "" ? what : `${where}: ${what}`,
    ...(site.task === undefined ? {} : { task: site.task }),
    ...(site.step === undefined ? {} : { step: site.step }),
    ...(site.path === undefined ? {} : { path: site.path }),
  })
}

const lockOps: ReadonlyArray<unknown> = ["lock", "trylock", "unlock"]

/**
 * A step that matches no member of the step union: says which discriminator is unknown (op,
 * or lock kind for a lock-like op) instead of listing every member.
 */
const stepMismatch = (step: unknown): { readonly key?: string; readonly what: string } => {
  if (!isObject(step)) return { what: `a step must be an object, got ${show(step)}` }
  const { op, lock } = step as { op?: unknown; lock?: unknown }
  if (!OpSchema.literals.includes(op as never))
    return {
      key: "op",
      what: `unknown op ${show(op)}: expected one of ${OpSchema.literals.join(", ")}`,
    }
  if (lockOps.includes(op) && !LockKindSchema.literals.includes(lock as never))
    return {
      key: "lock",
      what: `unknown lock kind ${show(lock)}: expected one of ${LockKindSchema.literals.join(", ")}`,
    }
  return { what: `not a valid ${String(op)} step` }
}

/**
 * Decodes `input` with `schema`; on failure, the first issue as a SimError. `base` is the path
 * of `input` inside `root` (for a step checked alone: empty).
 */
const decode = <S extends Schema.ConstraintDecoder<unknown>>(
  schema: S,
  input: unknown,
  locate: (path: ReadonlyArray<string | number>) => { kind: SimErrorKind } & SimErrorSite,
): S["Type"] | SimError => {
  const r = Schema.decodeUnknownResult(schema, strict)(input)
  if (Result.isSuccess(r)) return r.success
  const issue = formatter(r.failure.issue).issues[0]
  const path = (issue?.path ?? []).map((k) =>
    typeof k === "object" && k !== null && "key" in k ? k.key : k,
  ) as Array<string | number>
  const site = locate(path)
  const value = at(input, path)
  // A step matching no member of the union: name the unknown discriminator.
  if (site.step !== undefined && site.path?.length === 0) {
    const m = stepMismatch(value)
    return fail(site.kind, input, m.what, { ...site, path: m.key ? [m.key] : [] })
  }
  const got = value === undefined ? "" : `, got ${show(value)}`
  return fail(site.kind, input, `${issue?.message ?? "invalid"}${got}`, site)
}

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

/** Page `vpn` (or, with `end`, a range's exclusive end) must lie in the user address space. */
const outside = (arch: Arch, vpn: number, end = false): string | undefined =>
  vpn > arch.userPages || (!end && vpn === arch.userPages)
    ? `page ${vpn} is outside the ${arch.userBits}-bit user address space (${arch.userPages} pages)`
    : undefined

/** Value checks of the `writeVma` fields the simulator keeps in its own VMA properties. */
const fieldValues: {
  readonly [F in Rules.VmaField]?: (arch: Arch, v: unknown) => string | undefined
} = {
  vm_start: (arch, v) => pageValue(arch, v, true),
  vm_end: (arch, v) => pageValue(arch, v, true),
  vm_pgoff: (_arch, v) =>
    Number.isSafeInteger(v) && (v as number) >= 0
      ? undefined
      : `expected a page offset, got ${show(v)}`,
  vm_flags: (_arch, v) =>
    Array.isArray(v) && v.every((f) => VmFlags.includes(f))
      ? undefined
      : `expected an array of ${VmFlags.join(", ")}, got ${show(v)}`,
  vm_page_prot: (_arch, v) =>
    Number.isSafeInteger(v) && (v as number) >= 0
      ? undefined
      : `expected a non-negative integer, got ${show(v)}`,
  vm_file: (_arch, v) =>
    v === undefined
      ? undefined
      : `the simulator can only clear vm_file (undefined), got ${show(v)}`,
}

const pageValue = (arch: Arch, v: unknown, end: boolean): string | undefined =>
  Number.isSafeInteger(v) && (v as number) >= 0
    ? outside(arch, v as number, end)
    : `expected a page number, got ${show(v)}`

/** Per-step checks against the architecture (labels are checked by `checkProgram`). */
const checkStep = (
  arch: Arch,
  s: Step,
): { path: string; what: string; rule?: string } | undefined => {
  const a = "addr" in s ? outside(arch, s.addr) : undefined
  if (a) return { path: "addr", what: a, rule: "P1" }
  if (s.op === "do") {
    if (s.end !== undefined) {
      if (s.end <= s.addr) return { path: "end", what: `end ${s.end} must be above addr ${s.addr}` }
      const e = outside(arch, s.end, true)
      if (e) return { path: "end", what: e, rule: "P1" }
    }
    if (s.to !== undefined) {
      const t = outside(arch, s.to + (s.end ?? s.addr + 1) - s.addr, true)
      if (t) return { path: "to", what: `the destination range ends outside: ${t}`, rule: "P1" }
    }
  }
  if (s.op === "writeVma") {
    const bad = fieldValues[s.field]?.(arch, s.value)
    if (bad) return { path: "value", what: `${s.field}: ${bad}` }
  }
  return undefined
}

/** Labels unique, jump targets present, each step inside the architecture. */
const checkProgram = (
  arch: Arch,
  program: ReadonlyArray<Step>,
  task: number,
  root: unknown,
): SimError | undefined => {
  const labels = new Map<string, number>()
  for (const [i, s] of program.entries()) {
    if (s.label === undefined) continue
    const first = labels.get(s.label)
    if (first !== undefined)
      return fail("InvalidProgram", root, `label "${s.label}" is already used by step ${first}`, {
        task,
        step: i,
        path: ["label"],
      })
    labels.set(s.label, i)
  }
  for (const [i, s] of program.entries()) {
    const target =
      s.op === "goto"
        ? (["to", s.to] as const)
        : "onFail" in s
          ? (["onFail", s.onFail] as const)
          : undefined
    if (target && target[1] !== endLabel && !labels.has(target[1]))
      return fail(
        "InvalidProgram",
        root,
        `no step is labelled "${target[1]}" (nor is it "${endLabel}")`,
        {
          task,
          step: i,
          path: [target[0]],
        },
      )
    const bad = checkStep(arch, s)
    if (bad)
      return fail("InvalidProgram", root, bad.what, {
        task,
        step: i,
        path: [bad.path],
        rule: bad.rule,
      })
  }
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

/** Validates a world spec: its shape, its address spaces and VMAs, its tasks and programs. */
export const world = (input: unknown): WorldSpec | SimError => {
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
 * resolved.
 */
export const step = (arch: Arch, input: unknown): Step | SimError => {
  const s = decode(StepSchema, input, (path) => ({ kind: "InvalidProgram", step: 0, path }))
  if (isSimError(s)) return s
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
