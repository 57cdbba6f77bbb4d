// The package's README and its guide show kernel paths; their code must compile as written, by
// TypeScript 7 and 6, against this package's sources. Each document's `ts` blocks, taken
// together, are one module.
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { type Compiler, typecheck } from "./tsc.js"

const blocks = (file: string) =>
  [...readFileSync(join(import.meta.dirname, "..", file), "utf8").matchAll(/```ts\n([\s\S]*?)```/g)]
    .map((m) => m[1])
    .join("\n")

const options = {
  types: ["node"],
  paths: { "@mmguard/core": ["./src/index.ts"] },
}

describe("the documents' code compiles as written", () => {
  // TypeScript 6 takes seconds on a loaded machine: a generous timeout.
  for (const [name, file] of [
    ["readme", "README.md"],
    ["guide", "docs/from-kernel-c.md"],
  ] as const)
    for (const compiler of ["typescript", "typescript6"] satisfies ReadonlyArray<Compiler>)
      it(`${file} (${compiler})`, { timeout: 180_000 }, () => {
        const source = blocks(file)
        expect(source).toContain("@mmguard/core")
        const r = typecheck(`docs-${name}-${compiler}`, source, {
          compilerOptions: options,
          compiler,
        })
        expect(r.output).toBe("")
        expect(r.status).toBe(0)
      })

  it("a broken document is caught by the same check", () => {
    const r = typecheck(
      "docs-broken",
      'import * as Core from "@mmguard/core"\nCore.freePgtables()',
      {
        compilerOptions: options,
      },
    )
    expect(r.output).toContain("Expected")
  })
})
