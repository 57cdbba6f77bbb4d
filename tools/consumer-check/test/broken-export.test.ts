import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { describe, expect, it } from "vitest"
import { attw, pack, publint, root } from "../lib.mjs"

/** A copy of @mmguard/core whose `exports` points at a file that is not in the package. */
const brokenCore = () => {
  const dir = mkdtempSync(join(tmpdir(), "mmguard-broken-"))
  const core = join(root, "packages", "core")
  for (const f of ["dist", "src"]) cpSync(join(core, f), join(dir, f), { recursive: true })
  writeFileSync(join(dir, "README.md"), "# broken copy\n")
  const manifest = JSON.parse(readFileSync(join(core, "package.json"), "utf8"))
  manifest.exports["."] = { types: "./dist/missing.d.ts", default: "./dist/missing.js" }
  manifest.dependencies = {}
  writeFileSync(join(dir, "package.json"), JSON.stringify(manifest, null, 2))
  return dir
}

describe("check:packages building blocks", () => {
  it("the real @mmguard/core passes publint and attw", () => {
    const dir = join(root, "packages", "core")
    expect(publint(dir).ok).toBe(true)
    const packed = pack(dir)
    expect(packed.ok).toBe(true)
    expect(attw(packed.tarball).ok).toBe(true)
    rmSync(dirname(packed.tarball), { recursive: true, force: true })
  })

  it("a broken export path fails publint and attw, naming the missing file", () => {
    const dir = brokenCore()
    const lint = publint(dir)
    expect(lint.ok).toBe(false)
    expect(lint.out).toContain("missing")
    const packed = pack(dir)
    expect(packed.ok).toBe(true)
    const types = attw(packed.tarball)
    expect(types.ok).toBe(false)
    for (const d of [dir, dirname(packed.tarball)]) rmSync(d, { recursive: true, force: true })
  })
})
