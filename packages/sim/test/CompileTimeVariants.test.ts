// The compile-time variants of the scenario library are rejected by core's types, with a
// message naming the missing lock or the rule. Each such variant's misuse line carries
// `// @ts-expect-error <message part>` in its scenario's source (so the package's own typecheck
// fails if the error disappears); here each scenario file is type-checked again with those
// lines turned into the typetest runner's `// @expect-error <message part>`, so the runner
// (tools/typetest, the real tsc) checks that the error is there and says what the comment says.
import { spawnSync } from "node:child_process"
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join, relative } from "node:path"
import { describe, expect, it } from "vitest"
import { Scenarios } from "../src/index.js"

const root = join(import.meta.dirname, "..")
const scenarios = join(root, "src", "scenarios")
const runner = join(root, "..", "..", "tools", "typetest", "run.mjs")
const EXPECT = /^(\s*)\/\/ @ts-expect-error (.+)$/gm

/** The scenario files and their expected errors' texts. */
const files = readdirSync(scenarios)
  .filter((f) => f.endsWith(".ts"))
  .map((f) => {
    const text = readFileSync(join(scenarios, f), "utf8")
    return { file: f, text, expected: [...text.matchAll(EXPECT)].map((m) => m[2] as string) }
  })
  .filter((f) => f.expected.length > 0)

/** The scenario a file defines (its `scenario` export), by reading its id. */
const idOf = (text: string) => /\bid: "([a-z0-9-]+)",\n\s*addr:/.exec(text)?.[1]

describe("compile-time variants of the scenario library", () => {
  it("each has its misuse marked in its scenario's source, naming a lock or a rule", () => {
    for (const s of Scenarios.all) {
      const compile = s.variants.filter((v) => v.caught === "compile").length
      const source = files.find((f) => idOf(f.text) === s.id)
      expect(source?.expected.length ?? 0, s.id).toBe(compile)
      for (const e of source?.expected ?? [])
        expect(e, `${s.id}: "${e}"`).toMatch(/LockRequired<"\w+"|^[LVFPO]\d+: /)
    }
  })

  it("each fails to type-check with the message its comment names (tsc 7, typetest runner)", () => {
    const tmp = mkdtempSync(join(root, ".typetest-"))
    // The copies sit in <tmp>/scenarios, merged with src by rootDirs: they import their
    // neighbours and the package's modules as the originals do.
    const dir = join(tmp, "scenarios")
    mkdirSync(dir)
    try {
      for (const f of files)
        writeFileSync(
          join(dir, f.file.replace(/\.ts$/, ".tst.ts")),
          f.text.replace(EXPECT, "$1// @expect-error $2"),
        )
      const base = relative(dir, join(root, "..", "..", "tsconfig.base.json"))
      const config = {
        extends: base,
        compilerOptions: {
          composite: false,
          declaration: false,
          declarationMap: false,
          noEmit: true,
          types: [],
          rootDirs: [tmp, join(root, "src")],
        },
        include: ["*.tst.ts"],
      }
      writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(config))
      const report = join(dir, "report.json")
      const run = spawnSync(process.execPath, [runner, dir, "--ts", "7", "--report", report], {
        encoding: "utf8",
      })
      expect(run.stdout).toContain(`${files.length} passed, 0 failed`)
      expect(run.status).toBe(0)
    } finally {
      rmSync(tmp, { recursive: true, force: true })
    }
  }, 120_000)
})
