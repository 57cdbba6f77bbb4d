/**
 * `mmguard check FILE`: type-check FILE with tsc (each missing lock reported in kernel words),
 * then explore the interleavings of its exported paths in sim.
 */
import { rmSync } from "node:fs"
import { BadInput } from "./BadInput.js"
import { type ExploreOptions, explore } from "./Explore.js"
import { type Exports, load } from "./Load.js"
import type { CheckReport, Located } from "./Report.js"
import { emit, type TypeDiagnostic, typecheck } from "./Source.js"

/** Runs each path that misses a lock alone in sim, to find the step that needs it. */
const locate = (
  exports: Exports,
  errors: ReadonlyArray<TypeDiagnostic>,
  options: ExploreOptions,
): Array<Located> =>
  errors.flatMap((e) => {
    const program = e.path === undefined ? undefined : exports.paths[e.path]
    if (e.path === undefined || program === undefined) return []
    try {
      const alone = { ...exports, paths: { [e.path]: program } }
      const x = explore(alone, { ...options, against: [], maxStates: 20_000 })
      const last = x.timeline?.[x.timeline.length - 1]
      if (x.violation === undefined || last === undefined) return []
      return [
        {
          path: e.path,
          rule: x.violation.rule,
          message: x.violation.message,
          text: last.text,
          ...(last.source ? { file: last.source.file, line: last.source.line } : {}),
        },
      ]
    } catch (err) {
      if (err instanceof BadInput) return []
      throw err
    }
  })

/** Checks `file`: type errors first (verdict "type-errors"), else the exploration's verdict. */
export const check = async (file: string, options: ExploreOptions): Promise<CheckReport> => {
  const build = emit(file)
  try {
    let exports: Exports | undefined
    let loadError: BadInput | undefined
    try {
      exports = await load(build)
    } catch (e) {
      if (!(e instanceof BadInput)) throw e
      loadError = e
    }
    const typeErrors = typecheck(build, exports ? Object.keys(exports.paths) : [])
    if (typeErrors.length > 0)
      return {
        file: build.file,
        verdict: "type-errors",
        typeErrors,
        located: exports ? locate(exports, typeErrors, options) : [],
      }
    if (exports === undefined) throw loadError ?? new BadInput({ message: `${file}: no exports` })
    const exploration = explore(exports, options)
    return { file: build.file, verdict: exploration.verdict, typeErrors, located: [], exploration }
  } finally {
    rmSync(build.dir, { recursive: true, force: true })
  }
}
