// Type-check cost of the SDK: a generated user module of ~5,000 lines (hundreds of lock scopes
// and operations over four mm handles) against @mmguard/core, and the same module against an
// unbranded, lock-free baseline API, both checked by tsc 7 and tsc 6 in the same run.
// Reports core.typecheck.ts7 / .ts6 (ms, baseline ms) and the instantiation counts.
// A third module uses the baseline API with only the scope identities of L5 added (each scope's
// body generic in a fresh `S`, handles carrying it, their operations putting its token in `R`,
// as core does, and no rule types): core.scopeIdentity.ts7 / .ts6 measure what the identity
// alone costs against the same baseline, the part of core's cost no rule encoding can remove.
import { spawnSync } from "node:child_process"
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"

const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 455)
const dir = join(import.meta.dirname, ".gen")
const block = (api: string, addrType: string, i: number) => {
  const mm = `mm${i % 4}`
  const [a, e] = [`a${i}`, `e${i}`]
  return [
    `declare const ${a}: ${addrType}, ${e}: ${addrType}`,
    `export const w${i} = ${api}.mmapWriteLock(${mm}, (lock) => Effect.gen(function* () {`,
    `  const vma = yield* ${api}.findVma(lock, ${a})`,
    `  yield* ${api}.vmaStartWrite(vma, ${api}.zapRange(vma, ${a}, ${e}))`,
    `  yield* ${api}.freePgtables(lock, ${a}, ${e})`,
    "}))",
    `export const r${i} = ${api}.mmapReadLock(${mm}, (lock) => Effect.gen(function* () {`,
    `  const vma = yield* ${api}.findVma(lock, ${a})`,
    `  yield* ${api}.pteOffsetMapLock(vma, ${a}, (pte) => ${api}.installPte(pte, ${a}, pfn))`,
    `  return yield* ${api}.readVma(vma)`,
    "}))",
  ].join("\n")
}
const header = {
  core: [
    'import { Effect } from "effect"',
    'import * as Core from "@mmguard/core"',
    ...[0, 1, 2, 3].map((i) => `const mm${i} = Core.Mm.make("proc${i}")`),
    "declare const pfn: Core.Address.Pfn",
  ],
  base: [
    'import { Effect } from "effect"',
    "interface Vma { readonly id: number }",
    "interface Lock { readonly mm: string }",
    "interface Pte { readonly addr: bigint }",
    "declare const Base: {",
    "  mmapWriteLock: <A, E, R>(mm: string, body: (lock: Lock) => Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>",
    "  mmapReadLock: <A, E, R>(mm: string, body: (lock: Lock) => Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>",
    "  vmaStartWrite: <A, E, R>(vma: Vma, body: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>",
    "  pteOffsetMapLock: <A, E, R>(vma: Vma, addr: bigint, body: (pte: Pte) => Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>",
    "  findVma: (lock: Lock, addr: bigint) => Effect.Effect<Vma>",
    "  readVma: (vma: Vma) => Effect.Effect<Vma>",
    "  zapRange: (vma: Vma, addr: bigint, end: bigint) => Effect.Effect<void>",
    "  installPte: (pte: Pte, addr: bigint, pfn: bigint) => Effect.Effect<void>",
    "  freePgtables: (lock: Lock, addr: bigint, end: bigint) => Effect.Effect<void>",
    "}",
    ...[0, 1, 2, 3].map((i) => `const mm${i} = "proc${i}"`),
    "declare const pfn: bigint",
  ],
  scope: [
    'import { Effect } from "effect"',
    "interface Token<S> { readonly token: (s: S) => S }",
    "interface Vma<S> { readonly id: number; readonly vma: (s: S) => S }",
    "interface Lock<S> { readonly mm: string; readonly lock: (s: S) => S }",
    "interface Pte<S> { readonly addr: bigint; readonly pte: (s: S) => S }",
    "declare const Scoped: {",
    "  mmapWriteLock: <A, E, R>(mm: string, body: <S>(lock: Lock<S>) => Effect.Effect<A, E, R | Token<S>>) => Effect.Effect<A, E, R>",
    "  mmapReadLock: <A, E, R>(mm: string, body: <S>(lock: Lock<S>) => Effect.Effect<A, E, R | Token<S>>) => Effect.Effect<A, E, R>",
    "  vmaStartWrite: <T, A, E, R>(vma: Vma<T>, body: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R | T>",
    "  pteOffsetMapLock: <T, A, E, R>(vma: Vma<T>, addr: bigint, body: <S>(pte: Pte<S>) => Effect.Effect<A, E, R | Token<S>>) => Effect.Effect<A, E, R | T>",
    "  findVma: <S>(lock: Lock<S>, addr: bigint) => Effect.Effect<Vma<Token<S>>, never, Token<S>>",
    "  readVma: <T>(vma: Vma<T>) => Effect.Effect<number, never, T>",
    "  zapRange: <T>(vma: Vma<T>, addr: bigint, end: bigint) => Effect.Effect<void, never, T>",
    "  installPte: <S>(pte: Pte<S>, addr: bigint, pfn: bigint) => Effect.Effect<void, never, Token<S>>",
    "  freePgtables: <S>(lock: Lock<S>, addr: bigint, end: bigint) => Effect.Effect<void, never, Token<S>>",
    "}",
    ...[0, 1, 2, 3].map((i) => `const mm${i} = "proc${i}"`),
    "declare const pfn: bigint",
  ],
}
mkdirSync(dir, { recursive: true })
for (const [name, api, addrType] of [
  ["core", "Core", "Core.Address.PageAddr"],
  ["base", "Base", "bigint"],
  ["scope", "Scoped", "bigint"],
] as const) {
  const body = Array.from({ length: BLOCKS }, (_, i) => block(api, addrType, i))
  writeFileSync(join(dir, `${name}.ts`), `${[...header[name], ...body].join("\n")}\n`)
  writeFileSync(
    join(dir, `${name}.tsconfig.json`),
    JSON.stringify({
      extends: "../../../../tsconfig.base.json",
      compilerOptions: { composite: false, noEmit: true, types: [], skipLibCheck: true },
      files: [`${name}.ts`],
    }),
  )
}

const require = createRequire(import.meta.url)
const tscOf = (pkg: string) => join(dirname(require.resolve(`${pkg}/package.json`)), "bin", "tsc")
const measure = (tsc: string, name: string) => {
  const r = spawnSync(
    process.execPath,
    [tsc, "-p", join(dir, `${name}.tsconfig.json`), "--extendedDiagnostics"],
    {
      encoding: "utf8",
    },
  )
  const out = r.stdout + r.stderr
  if (r.status !== 0) throw new Error(`tsc failed on ${name}:\n${out.slice(0, 2000)}`)
  // "Check time: 0.37s" (both compilers print seconds).
  const check = /Check time:\s+([\d.]+)s/.exec(out)
  const inst = /Instantiations:\s+(\d+)/.exec(out)
  // TypeScript 6 also prints its relation caches: how many type pairs it compared, which does
  // not move with the machine's load as times do.
  const caches = [...out.matchAll(/(?:Assignability|Subtype|Strict subtype) cache size:\s+(\d+)/g)]
  return {
    checkMs: Number(check?.[1] ?? Number.NaN) * 1000,
    instantiations: Number(inst?.[1] ?? Number.NaN),
    relations: caches.length === 0 ? Number.NaN : caches.reduce((n, m) => n + Number(m[1]), 0),
  }
}
const lines = BLOCKS * 11
for (const [version, pkg] of [
  ["ts7", "typescript"],
  ["ts6", "typescript6"],
] as const) {
  const tsc = tscOf(pkg)
  // Best of three runs each, alternating, after one warm-up run.
  measure(tsc, "core")
  const runs = [0, 1, 2].map(() => ({
    core: measure(tsc, "core"),
    base: measure(tsc, "base"),
    scope: measure(tsc, "scope"),
  }))
  const best = (k: "core" | "base" | "scope") => ({
    checkMs: Math.min(...runs.map((r) => r[k].checkMs)),
    instantiations: runs[0]?.[k].instantiations ?? Number.NaN,
    relations: runs[0]?.[k].relations ?? Number.NaN,
  })
  const base = best("base")
  const report = (name: string, value: number, unit: string, baseline: number) => {
    if (!Number.isNaN(value))
      console.log(`BENCH ${JSON.stringify({ name, value, unit, baseline })}`)
  }
  // The check time keeps its name (core.typecheck.*); the counts are named after the module.
  for (const [time, prefix, m] of [
    ["core.typecheck", "core", best("core")],
    ["core.scopeIdentity", "core.scopeIdentity", best("scope")],
  ] as const) {
    report(`${time}.${version}`, m.checkMs, "ms", base.checkMs)
    report(
      `${prefix}.instantiations.${version}`,
      m.instantiations,
      "instantiations",
      base.instantiations,
    )
    report(`${prefix}.relations.${version}`, m.relations, "type pairs compared", base.relations)
  }
}
console.error(`typecheck bench: ${lines} generated lines per module`)
if (!process.env.KEEP_GEN) rmSync(dir, { recursive: true, force: true })
