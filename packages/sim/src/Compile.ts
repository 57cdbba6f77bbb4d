/**
 * Core programs as explorable tasks. `compile` runs an Effect program written with
 * `@mmguard/core` against a recording kernel: each kernel call becomes the sim step that
 * `KernelSteps` maps it to (the same mapping `KernelLayer` runs live). Where the world decides a
 * call's result — lock_vma_under_rcu or a trylock failing, find_vma finding nothing — the
 * program is run again under each outcome, and the runs are joined into one task program whose
 * failure branches are `onFail` labels. The explorer then interleaves it with other tasks at
 * every kernel call, replays and shrinks its schedules like any other program.
 *
 * An rmap walk (vma_interval_tree_foreach, anon_vma_interval_tree_foreach) becomes the world's
 * walk loop (`rmapWalk` ... `rmapWalkNext`, see `world/RmapWalk`): its body is recorded once, on
 * a VMA of the layout's tree (or one at page offset 0 when the layout has none), with its pages
 * as page offsets in the tree, and the world runs it for each VMA the tree holds at run time. A
 * PTE lock in it is taken as pte_alloc_map_lock does; other calls the world decides there
 * branch the body, whose branches meet again at the walk's next VMA.
 *
 * A killable wait (vma_start_write_killable) is such a decision too: on its failure branch the
 * call fails with `Killed`, which core turns into -EINTR for the program to handle.
 *
 * Each step keeps where the user wrote the call: build the program with the functions of
 * `traced(core)` (each captures its caller's stack) and `Compiled.sources` gives file:line per
 * step.
 *
 * @since 0.1.0
 */
import { type Vma as CoreVma, Kernel, KernelError } from "@mmguard/core"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Layer from "effect/Layer"
import type { Arch } from "./Arch.js"
import { type Event, emitTree, type Run, type Source } from "./CompileTree.js"
import * as KernelSteps from "./KernelSteps.js"
import { endLabel, type Step, type TaskSpec } from "./Program.js"
import { isSimError } from "./SimError.js"
import { World, type WorldSpec } from "./World.js"

/** The label a finished branch jumps to: the end of the program. */
const END = endLabel

/** A killable wait's failure branch taken: the lock call fails with -EINTR (`Killed`). */
const KILLED = "killed" as const

/** Why a program could not be compiled. */
export class CompileError extends Data.TaggedError("CompileError")<{
  readonly reason:
    | "async"
    | "defect"
    | "mm"
    | "walk"
    | "world"
    | "too-many-paths"
    | "too-many-calls"
  readonly task: string
  readonly message: string
}> {}

/** Where the user wrote a kernel call. */
export type { Source } from "./CompileTree.js"

/**
 * Where a core call was written (set by `traced`; undefined otherwise): an `Error` made there,
 * whose stack V8 formats only when `compile` reads it.
 */
export const CallSite = Context.Reference<Error | undefined>("@mmguard/sim/Compile/CallSite", {
  defaultValue: () => undefined,
})

const wrap =
  (f: (...args: Array<unknown>) => unknown) =>
  (...args: Array<unknown>): unknown => {
    const site = new Error()
    const result = f(...args)
    return Effect.isEffect(result) ? Effect.provideService(result, CallSite, site) : result
  }

/**
 * Returns `api` (e.g. `import * as Core from "@mmguard/core"`) with every function wrapped so
 * that the effect it builds remembers where it was called: `compile` reports that file:line for
 * the steps the effect makes. Namespaces and other values pass through unchanged.
 */
export const traced = <T extends object>(api: T): T =>
  Object.fromEntries(
    Object.entries(api).map(([k, v]) => [k, typeof v === "function" ? wrap(v as never) : v]),
  ) as T

/** A V8 frame: `at fn (FILE:LINE:COL)` or `at FILE:LINE:COL` (FILE may hold spaces). */
const FRAME = /^at (?:.*? \((.+):(\d+):(\d+)\)|(.+):(\d+):(\d+))$/

/** The frames of a stack trace that name a file position, innermost first. */
const frames = (stack: string): Array<Source> =>
  stack.split("\n").flatMap((line) => {
    const m = FRAME.exec(line.trim())
    if (!m) return []
    const [where, row, col] = m[1] === undefined ? [m[4], m[5], m[6]] : [m[1], m[2], m[3]]
    const file = decodeURI((where as string).replace(/^file:\/\//, ""))
    return file.startsWith("node:") ? [] : [{ file, line: Number(row), column: Number(col) }]
  })

/** This module's file as stack traces name it: the first frame of a stack made here. */
const self = frames(new Error().stack ?? "")[0]?.file

/** The first stack frame outside this module: the line that called a traced function. */
export const callerOf = (stack: string): Source | undefined =>
  frames(stack).find((f) => f.file !== self)

/** How to compile one program. */
export interface CompileOptions {
  /** The task's name in reports. */
  readonly name: string
  /** The address spaces the program runs in (what lookups find). */
  readonly mms: WorldSpec["mms"]
  readonly arch?: Arch
  /** Maps a captured call-site stack to a source position (default: `callerOf`). */
  readonly locate?: (stack: string) => Source | undefined
  /** Most control-flow paths (runs) a program may have; default 256. */
  readonly maxPaths?: number
  /** Most kernel calls in one run (a retry loop that never ends hits it); default 2000. */
  readonly maxCalls?: number
  /** How the kernel's primitives are built (a broken one models a kernel bug). */
  readonly primitives?: KernelSteps.Primitives
}

/** A compiled program: the task, and for each step of its program where the user wrote it. */
export interface Compiled {
  readonly task: TaskSpec
  readonly sources: ReadonlyArray<Source | undefined>
  /** How many control-flow paths the program has (runs of the recording kernel). */
  readonly paths: number
}

/** What a kernel layer provides: the service and the marks core's types discharge with it. */
type Provided = Layer.Success<ReturnType<typeof Kernel.layer>>

/** A core program that needs nothing but a kernel. */
export type Program = Effect.Effect<unknown, unknown, Provided>

/**
 * The VMA a compiled rmap walk hands its body when the layout has none in the tree: at page 0
 * with page offset 0, so the body's pages are the tree's page offsets as they are.
 */
const walkedVma = (req: Kernel.RmapWalkRequest, mm: string): CoreVma.VmaInfo => ({
  id: 0,
  start: 0n,
  end: 1n << 48n,
  pgoff: 0n,
  anonymous: req.file === undefined,
  flags: [],
  shared: false,
  ...(req.file === undefined ? {} : { file: req.file }),
  ...(req.anonVma === undefined ? {} : { anonVma: req.anonVma }),
  mm,
})

/**
 * The VMAs a recorded rmap walk returns: one, whose body is recorded once between the walk's
 * head and end steps (the world runs it for each VMA of the tree). core iterates the walk's VMAs
 * one by one; asking for the next after the body has run is the end of the body: `end` then.
 */
const walkOnce = (info: CoreVma.VmaInfo, end: () => void): ReadonlyArray<CoreVma.VmaInfo> => {
  const vmas = [info]
  Object.defineProperty(vmas, Symbol.iterator, {
    value: function* () {
      yield info
      end()
    },
  })
  return vmas
}

class Abort {
  constructor(readonly error: CompileError) {}
}

/** Compiles a core program into a task program of the world described by `options`. */
export const compile = (program: Program, options: CompileOptions): Compiled | CompileError => {
  const fail = (reason: CompileError["reason"], message: string) =>
    new CompileError({ reason, task: options.name, message })
  const firstMm = options.mms[0]?.name ?? ""
  const world = World.make({
    ...(options.arch ? { arch: options.arch } : {}),
    mms: options.mms,
    tasks: options.mms.map((m) => ({ name: m.name, mm: m.name, program: [] })),
  })
  if (isSimError(world)) return fail("world", world.message)
  const shift = world.arch.pageShift
  const maxCalls = options.maxCalls ?? 2000
  let mm: string | undefined
  /** The layout task of mm `name` (lookups are made as a task of that mm). */
  const viewer = () =>
    Math.max(
      0,
      options.mms.findIndex((m) => m.name === (mm ?? firstMm)),
    )
  /** The walked VMA while an rmap walk's body is recorded: its steps name page offsets. */
  let walked: { readonly start: number; readonly pgoff: number } | undefined
  const resolver: KernelSteps.Resolver = {
    ...KernelSteps.resolverOf(world, 0),
    vmaById: (id) => world.vmaById(viewer(), id),
    toPage: (page) => (walked === undefined ? page : page - walked.start + walked.pgoff),
    ...(options.primitives ? { primitives: options.primitives } : {}),
  }

  const record = (choices: ReadonlyArray<boolean>): Run => {
    const events: Array<Event> = []
    const taken: Array<boolean> = []
    walked = undefined
    // How each PTE lock (by page) was taken in this run, to release it the same way.
    const ptes = new Map<number, Array<KernelSteps.PteHow>>()
    const onMm = (name: string) => {
      if (name === "") return
      if (!options.mms.some((m) => m.name === name))
        throw new Abort(fail("mm", `the program works on mm "${name}", which the world lacks`))
      if (mm !== undefined && mm !== name)
        throw new Abort(fail("mm", `one task works on one mm: "${mm}" and "${name}" are used`))
      mm = name
    }
    /** Records `step`; for a decision, returns the outcome this run takes. */
    const emit = (site: Error | undefined, step: Step, canSucceed = true): boolean => {
      if (events.length >= maxCalls)
        throw new Abort(fail("too-many-calls", `more than ${maxCalls} kernel calls in one run`))
      if (!("onFail" in step)) {
        events.push({ step, site })
        return true
      }
      const success = choices[taken.length] ?? canSucceed
      taken.push(success)
      events.push({ step, site, success })
      return success
    }
    const at = <A>(f: (site: Error | undefined) => A) =>
      Effect.flatMap(Effect.service(CallSite), (site) => Effect.sync(() => f(site)))
    const layoutVma = (addr: bigint) =>
      world.vmaFor(viewer(), KernelSteps.vpn(resolver, addr)) ?? undefined
    const vmaOf = (id: number | undefined) => (id === undefined ? undefined : resolver.vmaById(id))
    const shape: Kernel.KernelShape = {
      lock: (req) =>
        at((site) => {
          onMm(req.mm)
          const s = KernelSteps.lockStep(resolver, req, END)
          if (s === undefined) return { acquired: true }
          if (s.op === "pteOffsetMapLock" && walked !== undefined) {
            // In an rmap walk's body: the table's lock as pte_alloc_map_lock takes it, so that
            // the body has one path (the world decides the walk's turns).
            emit(site, KernelSteps.pteAllocStep(resolver, req))
            const page = KernelSteps.vpn(resolver, req.addr)
            ptes.set(page, [...(ptes.get(page) ?? []), "allocated"])
            return { acquired: true }
          }
          if (s.op === "pteOffsetMapLock") {
            // No PTE table mapped: pte_alloc_map_lock allocates one and locks it.
            const mapped = emit(site, s)
            if (!mapped) emit(site, KernelSteps.pteAllocStep(resolver, req))
            const page = KernelSteps.vpn(resolver, req.addr)
            ptes.set(page, [...(ptes.get(page) ?? []), mapped ? "mapped" : "allocated"])
            return { acquired: true }
          }
          if (s.op === "vmaStartWriteKillable") return emit(site, s) ? { acquired: true } : KILLED
          if (s.op !== "lockVmaUnderRcu" && s.op !== "vmaStartReadLocked")
            return { acquired: emit(site, s) }
          const v = s.op === "lockVmaUnderRcu" ? layoutVma(req.addr ?? 0n) : vmaOf(req.vma)
          return emit(site, s, v !== undefined) && v
            ? { acquired: true, vma: KernelSteps.vmaInfo(v, shift) }
            : { acquired: false }
        }).pipe(
          Effect.flatMap((outcome) =>
            outcome === KILLED
              ? Effect.fail(new KernelError.Killed({ rule: "L1" }))
              : Effect.succeed(outcome),
          ),
        ),
      unlock: (req) =>
        at((site) => {
          onMm(req.mm)
          const page = KernelSteps.vpn(resolver, req.addr)
          const how = req.lock === "pteLock" ? ptes.get(page)?.pop() : undefined
          const s = KernelSteps.unlockStep(resolver, req, how)
          if (s) emit(site, s)
        }),
      downgrade: (name) =>
        at((site) => {
          onMm(name)
          emit(site, KernelSteps.downgradeStep)
        }),
      findVma: (name, addr) =>
        Effect.flatMap(
          at((site) => {
            onMm(name)
            const v = layoutVma(addr)
            return emit(site, KernelSteps.findVmaStep(resolver, addr, END), v !== undefined)
              ? v
              : undefined
          }),
          (v) =>
            v
              ? Effect.succeed(KernelSteps.vmaInfo(v, shift))
              : Effect.fail(new KernelError.NoVma({ addr, rule: "L6" })),
        ),
      rmapWalk: (req) =>
        at((site) => {
          if (walked !== undefined)
            throw new Abort(fail("walk", "an rmap walk inside the body of another one"))
          const own = mm ?? firstMm
          const found = KernelSteps.rmapWalkVmas(resolver, req).find((x) => x.mm === own)
          events.push({ step: KernelSteps.rmapWalkStep(resolver, req, "", ""), site, walk: true })
          walked = found
            ? { start: found.vma.start, pgoff: found.vma.pgoff }
            : { start: 0, pgoff: 0 }
          const info = found ? KernelSteps.vmaInfo(found.vma, shift, own) : walkedVma(req, own)
          return walkOnce(info, () => {
            events.push({ step: { op: "rmapWalkNext", walk: "" }, site, walk: true })
            walked = undefined
          })
        }),
      operate: (name, action, args) =>
        at((site) => {
          onMm(name)
          emit(site, KernelSteps.operateStep(resolver, action, args))
          const page = KernelSteps.operationPage(resolver, args)
          if (action === "walk") return []
          if (action === "readPte") return KernelSteps.readPteResult(world, viewer(), page)
          if (action !== "readVma") return undefined
          const v = world.vmaFor(viewer(), page)
          return v && KernelSteps.vmaInfo(v, shift)
        }),
    }
    const exit = Effect.runSyncExit(Effect.provide(program, Kernel.layer(shape)))
    if (walked !== undefined)
      throw new Abort(fail("walk", "the program leaves the body of an rmap walk early"))
    if (Exit.isFailure(exit)) {
      const text = String(exit.cause)
      if (/AsyncFiberError|asynchronous/i.test(text))
        throw new Abort(
          fail("async", "the program waits asynchronously: kernel paths must be synchronous"),
        )
      const defect = exit.cause.reasons.find((r) => r._tag === "Die")
      if (defect) {
        if (defect.defect instanceof Abort) throw defect.defect
        throw new Abort(fail("defect", `the program threw: ${String(defect.defect)}`))
      }
    }
    return { events, choices: taken }
  }

  try {
    const maxPaths = options.maxPaths ?? 256
    const runs: Array<Run> = []
    // Depth-first over outcome sequences: each run's new decisions are tried the other way.
    const pending: Array<ReadonlyArray<boolean>> = [[]]
    while (pending.length > 0) {
      const prefix = pending.pop() as ReadonlyArray<boolean>
      const run = record(prefix)
      runs.push(run)
      if (runs.length > maxPaths)
        return fail("too-many-paths", `more than ${maxPaths} control-flow paths`)
      for (let i = run.choices.length - 1; i >= prefix.length; i--)
        if (run.choices[i]) pending.push([...run.choices.slice(0, i), false])
    }
    const { program: steps, sources } = emitTree(runs, options.locate ?? callerOf)
    const task: TaskSpec = { name: options.name, mm: mm ?? firstMm, program: steps }
    return { task, sources, paths: runs.length }
  } catch (e) {
    if (e instanceof Abort) return e.error
    throw e
  }
}
