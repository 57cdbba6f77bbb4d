// Type-checks a generated TypeScript file with a real tsc (the native TypeScript 7 by default,
// or TypeScript 6): the file goes to a folder next to the tests, with a tsconfig extending the
// workspace's; returns tsc's exit status and output.
import { spawnSync } from "node:child_process"
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"

/** The TypeScript packages of the workspace: 7 (native) and 6. */
export type Compiler = "typescript" | "typescript6"

/** Type-checks `source` as `<name>.ts`, with extra compiler options, by `compiler`. */
export const typecheck = (
  name: string,
  source: string,
  options: { readonly compilerOptions?: object; readonly compiler?: Compiler } = {},
) => {
  const dir = join(import.meta.dirname, `.generated-${name}`)
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, `${name}.ts`), source)
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      extends: "../../../../tsconfig.base.json",
      compilerOptions: {
        composite: false,
        noEmit: true,
        types: [],
        rootDir: "../..",
        ...options.compilerOptions,
      },
      files: [`${name}.ts`],
    }),
  )
  const require = createRequire(import.meta.url)
  const pkg = options.compiler ?? "typescript"
  const tsc = join(dirname(require.resolve(`${pkg}/package.json`)), "bin", "tsc")
  const r = spawnSync(
    process.execPath,
    [tsc, "-p", join(dir, "tsconfig.json"), "--pretty", "false"],
    {
      encoding: "utf8",
    },
  )
  rmSync(dir, { recursive: true, force: true })
  return { status: r.status, output: r.stdout + r.stderr }
}
