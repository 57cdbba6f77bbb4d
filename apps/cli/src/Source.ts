/**
 * The user's file: compiled with the real tsc (the `typescript` dependency of this package),
 * against this package's own copies of @mmguard/core and effect, so a file anywhere on disk
 * checks without a project around it. `emit` writes JavaScript (with source maps, so stack
 * traces name the .ts lines) into a temporary folder; `typecheck` reports the file's type errors
 * plus, for each exported path, the locks its program still requires.
 */
import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { dirname, join, parse, relative, resolve } from "node:path"
import { badInput } from "./BadInput.js"

const require = createRequire(import.meta.url)
/** The folder of an installed package this CLI depends on. */
const packageDir = (name: string): string => dirname(require.resolve(`${name}/package.json`))

const core = packageDir("@mmguard/core")
const sim = packageDir("@mmguard/sim")
const effect = packageDir("effect")
const tsc = join(packageDir("typescript"), "bin", "tsc")

/** A temporary build folder for one checked file. */
export interface Build {
  readonly file: string
  readonly dir: string
  /** The emitted JavaScript of `file`. */
  readonly js: string
}

const compilerOptions = {
  target: "es2023",
  module: "esnext",
  moduleResolution: "bundler",
  strict: true,
  skipLibCheck: true,
  types: [],
  noErrorTruncation: true,
  allowImportingTsExtensions: true,
  rewriteRelativeImportExtensions: true,
  paths: {
    "@mmguard/core": [join(core, "dist", "index.d.ts")],
    "@mmguard/sim": [join(sim, "dist", "index.d.ts")],
    effect: [join(effect, "dist", "index.d.ts")],
    "effect/*": [join(effect, "dist", "*.d.ts")],
  },
}

/** Runs tsc on `config`; single-threaded: for one file, threads only add contention. */
const runTsc = (dir: string, config: object) => {
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(config, null, 2))
  return spawnSync(process.execPath, [tsc, "-p", dir, "--pretty", "false", "--singleThreaded"], {
    cwd: dir,
    encoding: "utf8",
  })
}

/** Compiles `file` to JavaScript without checking types (that is `typecheck`'s job). */
export const emit = (path: string): Build => {
  const file = resolve(path)
  if (!existsSync(file)) throw badInput(`cannot read ${path}: no such file`)
  if (!/\.m?ts$/.test(file)) throw badInput(`${path} is not a TypeScript file (.ts or .mts)`)
  const dir = mkdtempSync(join(tmpdir(), "mmguard-check-"))
  const root = parse(file).root
  const out = join(dir, "out")
  mkdirSync(out)
  // Everything emitted is an ES module, whatever package.json sits beside the user's file.
  writeFileSync(join(out, "package.json"), '{ "type": "module" }\n')
  const r = runTsc(dir, {
    compilerOptions: {
      ...compilerOptions,
      noCheck: true,
      outDir: out,
      rootDir: root,
      inlineSourceMap: true,
    },
    files: [file],
  })
  const js = join(out, relative(root, file)).replace(/\.(m?)ts$/, ".$1js")
  if (!existsSync(js))
    throw badInput(`${path} could not be compiled:\n${`${r.stdout}${r.stderr}`.trim()}`)
  return { file, dir, js }
}

/** A clause a path's program still requires, as tsc names it: `LockRequired<Clause, Mm>`. */
export interface MissingLock {
  readonly clause: string
  readonly mm: string
}

/** One type error: where, tsc's message, and the locks it names (if any). */
export interface TypeDiagnostic {
  readonly file: string
  readonly line: number
  readonly column: number
  readonly code: string
  readonly message: string
  /** The exported path the error is about, when it comes from the per-path check. */
  readonly path?: string
  readonly missing: ReadonlyArray<MissingLock>
}

const lockRequired = /LockRequired<"(\w+)", "([^"]*)">/g

/** The missing locks a message names, once each. */
const missingIn = (message: string): Array<MissingLock> => {
  const seen = new Map<string, MissingLock>()
  for (const m of message.matchAll(lockRequired))
    seen.set(`${m[1]}/${m[2]}`, { clause: m[1] as string, mm: m[2] as string })
  return [...seen.values()]
}

const diagnostic = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/

/**
 * Type-checks the file, and that each exported path (`keys`) is a core program that needs
 * nothing but what a kernel layer provides: a path still requiring a lock is reported once,
 * naming every clause.
 */
export const typecheck = (build: Build, keys: ReadonlyArray<string>): Array<TypeDiagnostic> => {
  const check = join(build.dir, "check.ts")
  const lines = [
    'import type { Kernel } from "@mmguard/core"',
    'import type * as Effect from "effect/Effect"',
    'import type * as Layer from "effect/Layer"',
    `import type * as User from ${JSON.stringify(build.file)}`,
    "// What a kernel layer provides, as core itself says: the service and the marks it discharges.",
    "type Provided = Layer.Success<ReturnType<typeof Kernel.layer>>",
    "type Missing<P> = P extends Effect.Effect<infer _A, infer _E, infer R>",
    "  ? Exclude<R, Provided>",
    '  : "not a core program (an Effect)"',
    "type Verdict<P> = [Missing<P>] extends [never] ? true : Missing<P>",
  ]
  const first = lines.length + 1
  for (const [i, k] of keys.entries())
    lines.push(`export const p${i}: Verdict<(typeof User.paths)[${JSON.stringify(k)}]> = true`)
  writeFileSync(check, `${lines.join("\n")}\n`)
  const r = runTsc(build.dir, {
    compilerOptions: { ...compilerOptions, noEmit: true },
    files: [build.file, ...(keys.length > 0 ? [check] : [])],
  })
  const text = readFileSync(build.file, "utf8").split("\n")
  const row = text.findIndex((l) => /\bexport\s+(const|let|var)\s+paths\b/.test(l))
  const exportAt = { line: row + 1, column: Math.max(1, (text[row] ?? "").indexOf("paths") + 1) }
  const errors: Array<TypeDiagnostic> = []
  for (const text of `${r.stdout}`.split(/\n(?=\S)/)) {
    const m = diagnostic.exec(text.split("\n")[0] ?? "")
    if (!m) continue
    const file = resolve(build.dir, m[1] as string)
    const message = [m[5], ...text.split("\n").slice(1)].join("\n").trimEnd()
    const at = { line: Number(m[2]), column: Number(m[3]), code: m[4] as string, message }
    if (file === check) {
      const path = keys[at.line - first]
      if (path === undefined) continue
      // Point at the user's `paths` export, not at the generated file.
      errors.push({ file: build.file, ...at, ...exportAt, path, missing: missingIn(message) })
    } else errors.push({ file, ...at, missing: missingIn(message) })
  }
  if (errors.length === 0 && r.status !== 0)
    throw badInput(`tsc failed on ${build.file}:\n${`${r.stdout}${r.stderr}`.trim()}`)
  return errors.sort((a, b) => a.line - b.line)
}
