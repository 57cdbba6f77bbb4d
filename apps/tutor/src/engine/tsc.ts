/**
 * The real TypeScript compiler (the native tsc of TypeScript 7, a dependency of the tutor) over
 * a folder that sees the installed @mmguard/core and effect: what the type puzzles and the
 * workshop are judged with.
 */
import { spawn } from "node:child_process"
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"

const require = createRequire(import.meta.url)

/** The folder of an installed package: resolve its entry, walk up to its package.json. */
const packageDir = (name: string) => {
  let dir = dirname(require.resolve(name))
  const named = (d: string) => {
    try {
      return JSON.parse(readFileSync(join(d, "package.json"), "utf8")).name === name
    } catch {
      return false
    }
  }
  while (!named(dir) && dir !== dirname(dir)) dir = dirname(dir)
  return dir
}

/** The compiler options every puzzle file is checked with. */
export const compilerOptions = {
  strict: true,
  noEmit: true,
  target: "es2023",
  module: "nodenext",
  types: [],
  skipLibCheck: true,
} as const

/**
 * Makes `dir` a project tsc can check: node_modules links to @mmguard/core and effect, and a
 * tsconfig.json over `files` (kept when it exists and `files` is undefined).
 */
export const prepareProject = (dir: string, files?: ReadonlyArray<string>): void => {
  mkdirSync(join(dir, "node_modules", "@mmguard"), { recursive: true })
  for (const [name, at] of [
    ["@mmguard/core", join(dir, "node_modules", "@mmguard", "core")],
    ["effect", join(dir, "node_modules", "effect")],
  ] as const)
    if (!existsSync(at)) symlinkSync(packageDir(name), at, "dir")
  const config = join(dir, "tsconfig.json")
  if (files !== undefined || !existsSync(config))
    writeFileSync(
      config,
      `${JSON.stringify({ compilerOptions, ...(files ? { files } : { include: ["**/*.ts"] }) }, null, 2)}\n`,
    )
}

/** One diagnostic of tsc: the file, line and column (1-based), and the full message. */
export interface Diagnostic {
  readonly file: string
  readonly line: number
  readonly col: number
  readonly text: string
}

/** Runs tsc in `dir` on the project `project` (a folder or tsconfig file; default `dir`). */
export const runTsc = (dir: string, project = dir): Promise<ReadonlyArray<Diagnostic>> => {
  const tsc = join(dirname(require.resolve("typescript/package.json")), "bin", "tsc")
  const args = ["-p", project]
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tsc, ...args, "--pretty", "false"], { cwd: dir })
    let out = ""
    child.stdout.on("data", (d) => {
      out += String(d)
    })
    child.on("close", (code) => {
      const diagnostics = out
        .split(/\n(?=\S)/)
        .map((d) => d.trim())
        .filter((d) => d.length > 0)
        .map((d) => {
          const m = /^(.*?)\((\d+),(\d+)\): ([\s\S]*)$/.exec(d)
          return m
            ? { file: m[1] ?? "", line: Number(m[2]), col: Number(m[3]), text: m[4] ?? d }
            : { file: "", line: 0, col: 0, text: d }
        })
      resolve(
        code !== 0 && diagnostics.length === 0
          ? [{ file: "", line: 0, col: 0, text: `tsc exited with ${code}` }]
          : diagnostics,
      )
    })
  })
}
