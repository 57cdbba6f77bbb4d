/**
 * The shape of a scenario of the kernel library, and the address space they all run in.
 * Scenarios are kernel paths written once with `@mmguard/core` (so they type-check) and
 * compiled into task programs (so the explorer interleaves them): `paths` holds the programs,
 * `spec` the world that runs them, compiled at first use and kept. Each scenario is correct (the
 * explorer finds nothing in any interleaving) and has buggy variants that must be caught with
 * the rule ID they break: by core's types (`caught: "compile"`: the variant's source carries the
 * `@ts-expect-error` naming the missing lock or rule, and is still compiled and explored, so sim
 * catches it too) or only at run time by the explorer (`caught: "run"`: a race). The tutor
 * builds its scheduler puzzles from these.
 *
 * Layout of every world (x86-64, pages of 4 KiB, one PTE table = 512 pages): an anonymous VMA
 * [512, 1024) with pages 512..515 mapped, a file VMA of "libfoo" [2048, 2560) whose PTE table
 * is allocated but empty (a zap left it: khugepaged may retract it), and a stack VMA [8192, 8704)
 * growing down.
 *
 * @since 0.1.0
 */
import { CompileError, type CompileOptions, compile, type Program } from "../Compile.js"
import type { TaskSpec } from "../Program.js"
import type { WorldSpec } from "../World.js"

/** What a buggy variant must be caught with. */
export interface Expected {
  readonly rule: string
  readonly kind: "rule" | "order" | "deadlock" | "leak" | "misuse" | "assert"
}

/** The kernel paths of a world: task name -> core program. */
export type Paths = Readonly<Record<string, Program>>

/**
 * How a variant is caught: "compile" when core's types reject its source (statically
 * decidable), "run" when only the explorer finds the violation (a race, or a kernel-internal
 * bug the API cannot express).
 */
export type Caught = "compile" | "run"

/** A buggy variant of a scenario. */
export interface Variant {
  readonly id: string
  readonly title: string
  readonly caught: Caught
  readonly paths: Paths
  /** The world of `paths`, compiled at first use. */
  readonly spec: WorldSpec
  readonly expected: Expected
}

/** A kernel path as core programs, with its buggy variants. */
export interface Scenario {
  readonly id: string
  readonly title: string
  readonly kernelPath: string
  /** The page the scenario is about (the tutor's page-table view walks it). */
  readonly addr: number
  readonly rules: ReadonlyArray<string>
  readonly paths: Paths
  /** The world of `paths`, compiled at first use. */
  readonly spec: WorldSpec
  readonly variants: ReadonlyArray<Variant>
}

/** A page of the anonymous VMA. */
export const ANON = 600
/** A page of the file VMA of "libfoo". */
export const FILE = 2100
/** A page of the stack VMA. */
export const STACK = 8300

/** The address space every scenario runs in (see the module comment). */
export const layout: WorldSpec["mms"] = [
  {
    name: "proc",
    vmas: [
      { start: 512, end: 1024, anon: true, mapped: [512, 513, 514, 515] },
      { start: 2048, end: 2560, file: "libfoo", tables: [2048] },
      { start: 8192, end: 8704, anon: true },
    ],
  },
]

/** How the library compiles its programs beyond the layout (a broken kernel primitive). */
export type Build = Pick<CompileOptions, "primitives">

/**
 * `program` compiled into a task named `name` of the common layout. A library program that
 * does not compile is a bug of the library: its `CompileError` is thrown.
 */
export const task = (name: string, program: Program, build: Build = {}): TaskSpec => {
  // The library's worlds need no source lines: leaving them out saves a third of the compile.
  const c = compile(program, { ...build, name, mms: layout, locate: () => undefined })
  if (c instanceof CompileError) throw c
  return c.task
}

/** A world of the common layout running `paths`, each compiled into a task. */
export const world = (paths: Paths, build: Build = {}): WorldSpec => ({
  mms: layout,
  tasks: Object.entries(paths).map(([name, program]) => task(name, program, build)),
})

/** Compiles `paths` once, on the first read of `spec`. */
const lazily = <T extends { readonly paths: Paths; readonly build?: Build }>(
  source: T,
): Omit<T, "build"> & { readonly spec: WorldSpec } => {
  let spec: WorldSpec | undefined
  const { build, ...rest } = source
  return Object.defineProperty(rest, "spec", {
    enumerable: true,
    get: () => {
      spec ??= world(source.paths, build)
      return spec
    },
  }) as never
}

/** A variant as written: its programs, and how they are built when a primitive is broken. */
export type VariantSource = Omit<Variant, "spec"> & { readonly build?: Build }

/** A scenario as written: `spec` and the variants' are compiled from `paths` at first use. */
export const define = (
  source: Omit<Scenario, "spec" | "variants"> & { readonly variants: ReadonlyArray<VariantSource> },
): Scenario => lazily({ ...source, variants: source.variants.map((v) => lazily(v)) })
