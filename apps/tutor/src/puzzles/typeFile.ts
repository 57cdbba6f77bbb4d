/** The files type puzzles live in, and the builder of a type puzzle. */
import type { Against, Chapter, TypePuzzle } from "../engine/Puzzle.js"

/** Where the program goes in a puzzle's file. */
const PROGRAM = "// PROGRAM"

/** The page frame a runnable puzzle's `pfn` names: a frame the simulated machine has free. */
const PFN = 100

/** The file every type puzzle lives in; the program replaces the `// PROGRAM` line. */
export const prelude = `import { Effect } from "effect"
import * as Core from "@mmguard/core"
import { Kernel, Mm } from "@mmguard/core"

const mm = Mm.make("proc1")
declare const kernel: Kernel.KernelShape
declare const vma: Core.Vma.Vma<"proc1"> // a VMA of proc1, of any kind
declare const stack: Core.Vma.Vma<"proc1", never, "anonymous"> // an anonymous VMA of proc1
declare const anonVma: Core.AnonVma // vma->anon_vma
const mapping = Core.addressSpace("libc.so") // the file's address_space (i_mmap)
declare const addr: Core.Address.PageAddr // built with Core.Address.pageAddr, which validates
declare const end: Core.Address.PageAddr
declare const far: Core.Address.PageAddr
declare const pfn: Core.Address.Pfn
declare const first: Core.Address.PgOff // file offsets (in pages) of the range, for rmap walks
declare const last: Core.Address.PgOff

${PROGRAM}

export const run = () => Effect.runPromise(program.pipe(Effect.provide(Kernel.layer(kernel))))
`

/**
 * The file of a puzzle explored against other paths: it runs, so its mm and pages are real
 * values of the world the paths run in (`against`), and it exports the program to explore.
 */
export const runnablePrelude = (against: Against): string => {
  const [mm] = against.mms
  const vmas = (mm?.vmas ?? []).map(
    (v) =>
      `//   [${v.start}, ${v.end}) ${v.file === undefined ? "anonymous" : `the file ${v.file}`}`,
  )
  const pages = Object.entries(against.pages).map(([name, n]) => `const ${name} = page(${n})`)
  return `import { Effect } from "effect"
import * as Core from "@mmguard/core"
import { Kernel, Mm } from "@mmguard/core"

// The process the other kernel paths run in, and its VMAs (in 4 KiB pages):
${vmas.join("\n")}
const mm = Mm.make(${JSON.stringify(mm?.name ?? "proc")})
const page = (n: number) => Effect.runSync(Core.Address.pageAddr(n * 4096))
${pages.join("\n")}
const pfn = Effect.runSync(Core.Address.pfn(${PFN}))

${PROGRAM}

export { program }
export const run = (kernel: Kernel.KernelShape) =>
  Effect.runPromise(program.pipe(Effect.provide(Kernel.layer(kernel))))
`
}

/** What a type puzzle says besides its kind and file. */
export interface Spec {
  readonly chapter: Chapter
  readonly title: string
  readonly rules: ReadonlyArray<string>
  readonly task: string
  readonly lesson: string
  readonly hints: ReadonlyArray<string>
  readonly kernel: string
  readonly start: string
  readonly solution: string
  readonly against?: Against
}

/** A type puzzle: in the common prelude, or, explored against other paths, in a runnable one. */
export const puzzle = (id: string, s: Spec): TypePuzzle => ({
  kind: "type",
  id,
  prelude: s.against ? runnablePrelude(s.against) : prelude,
  ...s,
})
