import { readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { expect, it } from "vitest"

// The README's example is run as written (imports pointed at the sources): it must not rot.
it("the README example runs and logs the page-fault path", async () => {
  const readme = readFileSync(join(import.meta.dirname, "..", "README.md"), "utf8")
  const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1]
  if (code === undefined) throw new Error("README.md has no ts example")
  const file = join(import.meta.dirname, `readme-example-${process.pid}.ts`)
  writeFileSync(file, code.replaceAll('"@mmguard/core"', '"../src/index.js"'))
  const lines: Array<unknown> = []
  const log = console.log
  console.log = (...args: Array<unknown>) => void lines.push(...args)
  try {
    await import(file)
  } finally {
    console.log = log
    rmSync(file)
  }
  expect(lines).toContainEqual([
    "lock vma read",
    "lock pteLock held",
    "installPte",
    "unlock pteLock held",
    "unlock vma read",
  ])
})
