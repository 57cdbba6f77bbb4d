/**
 * Loads the user's compiled file. Its imports of @mmguard/core, @mmguard/sim and effect resolve
 * to this package's own copies (the ones the types were checked against); @mmguard/core comes
 * through `Compile.traced`, so every core call remembers its file:line for the report.
 */
import { writeFileSync } from "node:fs"
import module from "node:module"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { badInput } from "./BadInput.js"
import type { Build } from "./Source.js"

/** What a checked file exports. */
export interface Exports {
  /** Path name -> core program. */
  readonly paths: Readonly<Record<string, unknown>>
  /** The address space, when the file gives one. */
  readonly world?: unknown
}

const shared = (specifier: string) =>
  specifier === "effect" ||
  specifier.startsWith("effect/") ||
  specifier === "@mmguard/sim" ||
  specifier === "@mmguard/core"

let hooked: { out: string; traced: string } | undefined

/** Writes the traced copy of core's API beside the build: same names, call sites recorded. */
const tracedCore = async (dir: string): Promise<string> => {
  const coreUrl = import.meta.resolve("@mmguard/core")
  const simUrl = import.meta.resolve("@mmguard/sim")
  const names = Object.keys(await import("@mmguard/core"))
  const file = join(dir, "traced-core.mjs")
  writeFileSync(
    file,
    [
      `import * as Core from ${JSON.stringify(coreUrl)}`,
      `import { Compile } from ${JSON.stringify(simUrl)}`,
      "const T = Compile.traced(Core)",
      `export const { ${names.join(", ")} } = T`,
      "",
    ].join("\n"),
  )
  return pathToFileURL(file).href
}

/** Imports the build's JavaScript and checks its exports. */
export const load = async (build: Build): Promise<Exports> => {
  process.setSourceMapsEnabled(true)
  const out = pathToFileURL(join(build.dir, "out")).href
  const traced = await tracedCore(build.dir)
  if (typeof module.registerHooks !== "function")
    throw badInput(`mmguard check needs Node.js 22.15 or newer (this is ${process.version})`)
  const first = hooked === undefined
  hooked = { out, traced }
  if (first)
    module.registerHooks({
      resolve: (specifier, context, next) => {
        const h = hooked
        if (h && context.parentURL?.startsWith(h.out) && shared(specifier))
          return specifier === "@mmguard/core"
            ? { url: h.traced, shortCircuit: true }
            : next(specifier, { ...context, parentURL: import.meta.url })
        return next(specifier, context)
      },
    })
  let mod: Record<string, unknown>
  try {
    mod = (await import(pathToFileURL(build.js).href)) as Record<string, unknown>
  } catch (e) {
    throw badInput(`${build.file} could not be loaded: ${e instanceof Error ? e.message : e}`)
  }
  const paths = mod.paths
  if (typeof paths !== "object" || paths === null || Array.isArray(paths))
    throw badInput(
      `${build.file} has no \`paths\` export: export a record from path name to core program, e.g. \`export const paths = { fault, munmap }\``,
    )
  if (Object.keys(paths).length === 0) throw badInput(`${build.file}: \`paths\` is empty`)
  return mod.world === undefined
    ? { paths: paths as Record<string, unknown> }
    : { paths: paths as Record<string, unknown>, world: mod.world }
}
