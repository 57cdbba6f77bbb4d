/**
 * Explores the user's paths: each exported core program is compiled into a task (sim's
 * `Compile`), scenario tasks of the library are added with `--against`, and sim's explorer
 * tries their interleavings. A violation comes back with its shrunk schedule replayed step by
 * step, each step with the source line that made it.
 */
import {
  Arch,
  Compile,
  Explorer,
  isSimError,
  Move,
  Program,
  Scenarios,
  World,
  type WorldSpec,
} from "@mmguard/sim"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import { badInput } from "./BadInput.js"
import type { Exports } from "./Load.js"
import { explainRule } from "./Rules.js"

/** Flags that shape one exploration. */
export interface ExploreOptions {
  readonly arch?: string
  readonly against: ReadonlyArray<string>
  readonly maxStates?: number
  readonly maxSeconds?: number
  /** Called now and then while exploring, with the states so far and the elapsed time. */
  readonly progress?: (states: number, millis: number) => void
}

/** One step of a replayed schedule. */
export interface Row {
  readonly move: number
  readonly task: number
  /** The step as kernel code (`lock_read mmap`, `installPte(600, 42)`, ...). */
  readonly text: string
  readonly blocked: boolean
  readonly source?: Compile.Source
}

/** A task of the exploration: one of the user's paths or a scenario's task. */
export interface TaskInfo {
  readonly name: string
  readonly origin: "path" | "scenario"
  /** For paths: how many control-flow paths the program has. */
  readonly branches?: number
}

/** What the exploration found. */
export interface Outcome {
  readonly verdict: "safe" | "violation" | "budget"
  readonly arch: string
  readonly tasks: ReadonlyArray<TaskInfo>
  readonly states: number
  readonly distinct: number
  readonly millis: number
  readonly violation?: {
    readonly rule: string
    readonly kind: string
    readonly task: string
    readonly message: string
    readonly held: ReadonlyArray<string>
    readonly explanation: string
  }
  /** The shrunk schedule (moves), replayable with sim's `replay`. */
  readonly schedule?: ReadonlyArray<number>
  readonly timeline?: ReadonlyArray<Row>
}

const Pages = Schema.Array(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)))
/** The `world` export: address spaces in page numbers, as in sim's `WorldSpec`, and an arch name. */
const WorldExport = Schema.Struct({
  arch: Schema.optionalKey(Schema.String),
  mms: Schema.Array(
    Schema.Struct({
      name: Schema.String,
      vmas: Schema.Array(
        Schema.Struct({
          start: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
          end: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
          file: Schema.optionalKey(Schema.String),
          anon: Schema.optionalKey(Schema.Boolean),
          mapped: Schema.optionalKey(Pages),
          tables: Schema.optionalKey(Pages),
        }),
      ),
    }),
  ),
})

const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, "-")

/** The architecture named `name` (its name or slug, e.g. `arm64-4k-39`). */
export const archNamed = (name: string): Arch.Arch => {
  const a = Arch.all.find((x) => x.name === name || slug(x.name) === slug(name))
  if (a === undefined)
    throw badInput(
      `unknown architecture "${name}"; known: ${Arch.all.map((x) => slug(x.name)).join(", ")}`,
    )
  return a
}

const worldOf = (exports: Exports, arch: string | undefined) => {
  if (exports.world === undefined)
    return { mms: Scenarios.layout, arch: archNamed(arch ?? Arch.x86_64.name) }
  const w = Schema.decodeUnknownResult(WorldExport)(exports.world)
  if (Result.isFailure(w))
    throw badInput(`the \`world\` export is malformed: ${w.failure.message.replace(/\s+/g, " ")}`)
  return { mms: w.success.mms, arch: archNamed(arch ?? w.success.arch ?? Arch.x86_64.name) }
}

const scenarioTasks = (ids: ReadonlyArray<string>) =>
  ids.flatMap((id) => {
    const s = Scenarios.all.find((x) => x.id === id)
    if (s === undefined)
      throw badInput(
        `unknown scenario "${id}"; known: ${Scenarios.all.map((x) => x.id).join(", ")}`,
      )
    // A scenario's first task is the kernel path it is named after; the others are its foils.
    const path = s.spec.tasks[0]
    return path ? [{ ...path, name: s.id === path.name ? s.id : `${s.id}:${path.name}` }] : []
  })

/** Replays `schedule` on `spec`, one row per step (compiler-internal jumps left out). */
export const timeline = (
  spec: WorldSpec,
  schedule: ReadonlyArray<number>,
  sources: ReadonlyArray<ReadonlyArray<Compile.Source | undefined>>,
): Array<Row> => {
  const w = new World(spec)
  const rows: Array<Row> = []
  for (const move of schedule) {
    const task = Move.task(move)
    const t = w.tasks[task]
    if (t === undefined) continue
    const pc = t.pc
    const waking = t.status === "blocked"
    const step = t.program[pc]
    const outcome = w.step(move)
    if (step === undefined || step.op === "goto") continue
    const source = sources[task]?.[pc]
    // A step with a failure branch says which way it went instead of where it jumps.
    const text = Program.show(step).replace(/ else goto \S+$/, "")
    const failed =
      "onFail" in step && step.op !== "pteOffsetMapLock" && outcome !== "blocked" && t.pc !== pc + 1
    rows.push({
      move,
      task,
      text: waking ? `${text} returns` : failed ? `${text} fails` : text,
      blocked: outcome === "blocked",
      ...(source ? { source } : {}),
    })
  }
  return rows
}

/** Compiles the paths, adds the scenarios and explores every interleaving within the budget. */
export const explore = (exports: Exports, options: ExploreOptions): Outcome => {
  const { mms, arch } = worldOf(exports, options.arch)
  const compiled = Object.entries(exports.paths).map(([name, program]) => {
    const c = Compile.compile(program as Compile.Program, { name, mms, arch })
    if (c instanceof Compile.CompileError)
      throw badInput(`path "${name}" cannot be explored (${c.reason}): ${c.message}`)
    return c
  })
  const extra = scenarioTasks(options.against)
  const spec: WorldSpec = {
    arch,
    mms,
    tasks: [...compiled.map((c) => c.task), ...extra],
  }
  const missingMm = spec.tasks.find((t) => !mms.some((m) => m.name === t.mm))
  if (missingMm)
    throw badInput(`task "${missingMm.name}" runs in mm "${missingMm.mm}", which the world lacks`)
  const made = World.make(spec)
  if (isSimError(made)) throw badInput(`the world cannot be built: ${made.message}`)
  const report = options.progress
  const r = Explorer.explore(spec, {
    ...(options.maxStates === undefined ? {} : { maxStates: options.maxStates }),
    ...(options.maxSeconds === undefined ? {} : { maxMillis: options.maxSeconds * 1000 }),
    ...(report ? { onProgress: (p: Explorer.Progress) => report(p.states, p.millis) } : {}),
  })
  if (r.verdict === "invalid")
    throw badInput(`the paths cannot be explored: ${r.error?.message ?? "invalid world"}`)
  const tasks: Array<TaskInfo> = [
    ...compiled.map((c) => ({ name: c.task.name, origin: "path" as const, branches: c.paths })),
    ...extra.map((t) => ({ name: t.name, origin: "scenario" as const })),
  ]
  const base = {
    verdict: r.verdict,
    arch: arch.name,
    tasks,
    states: r.states,
    distinct: r.distinct,
    millis: Math.round(r.millis),
  }
  const v = r.violation
  if (r.verdict !== "violation" || v === undefined || r.schedule === undefined) return base
  return {
    ...base,
    violation: {
      rule: v.rule,
      kind: v.kind,
      task: v.task,
      message: v.message,
      held: v.held,
      explanation: explainRule(v.rule),
    },
    schedule: r.schedule,
    timeline: timeline(
      spec,
      r.schedule,
      compiled.map((c) => c.sources),
    ),
  }
}
