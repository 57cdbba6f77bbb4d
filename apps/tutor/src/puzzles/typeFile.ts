/** The file every type puzzle lives in, and the builder of a type puzzle. */
import type { Chapter, TypePuzzle } from "../engine/Puzzle.js"

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

// PROGRAM

export const run = () => Effect.runPromise(program.pipe(Effect.provide(Kernel.layer(kernel))))
`

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
}

/** A type puzzle in the common prelude. */
export const puzzle = (id: string, s: Spec): TypePuzzle => ({ kind: "type", id, prelude, ...s })
