/**
 * Judges a type puzzle with the real TypeScript compiler (the native tsc of TypeScript 7, a
 * dependency of the tutor): the snippet with the chosen edit is written to a temporary project
 * that sees the installed @mmguard/core and effect, and tsc's diagnostics are the verdict.
 */
import { spawn } from "node:child_process"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import type { TypePuzzle } from "./Puzzle.js"

/** What tsc said about one candidate. */
export interface TypeVerdict {
  readonly solved: boolean
  readonly diagnostics: ReadonlyArray<string>
}

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

/** The snippet with edit number `choice` in place of its `// EDIT` line. */
export const withEdit = (p: TypePuzzle, choice: number): string =>
  p.snippet.replace("// EDIT", p.edits[choice] ?? "")

/** Runs tsc on the puzzle with edit number `choice`. */
export const judgeType = (p: TypePuzzle, choice: number): Promise<TypeVerdict> => {
  const dir = mkdtempSync(join(tmpdir(), "mmguard-tutor-"))
  mkdirSync(join(dir, "node_modules", "@mmguard"), { recursive: true })
  symlinkSync(packageDir("@mmguard/core"), join(dir, "node_modules", "@mmguard", "core"), "dir")
  symlinkSync(packageDir("effect"), join(dir, "node_modules", "effect"), "dir")
  writeFileSync(join(dir, "puzzle.ts"), withEdit(p, choice))
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: "es2023",
        module: "nodenext",
        types: [],
        skipLibCheck: true,
      },
      files: ["puzzle.ts"],
    }),
  )
  const tsc = join(dirname(require.resolve("typescript/package.json")), "bin", "tsc")
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tsc, "-p", dir, "--pretty", "false"], { cwd: dir })
    let out = ""
    child.stdout.on("data", (d) => {
      out += String(d)
    })
    child.on("close", (code) => {
      rmSync(dir, { recursive: true, force: true })
      const diagnostics = out
        .split(/\n(?=\S)/)
        .map((d) => d.replace(/^puzzle\.ts/, "line").trim())
        .filter((d) => d.length > 0)
      resolve({ solved: code === 0 && diagnostics.length === 0, diagnostics })
    })
  })
}
