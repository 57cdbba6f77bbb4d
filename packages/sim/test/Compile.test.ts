import { readFileSync } from "node:fs"
import { type Address, Mm, Vma } from "@mmguard/core"
import * as Effect from "effect/Effect"
import { describe, expect, it } from "vitest"
import {
  Compile,
  Explorer,
  Program,
  replay,
  Scenarios,
  World,
  type WorldSpec,
} from "../src/index.js"
import { api, mm, page } from "../src/scenarios/kernel.js"

const { fault, mprotect, truncate } = Scenarios.paths
/** The library's truncation variant that installs under the i_mmap lock only (P3). */
const installUnderRmap = Scenarios.all
  .find((s) => s.id === "truncate")
  ?.variants.find((v) => v.id === "install-under-rmap")?.paths.truncate as Compile.Program

/** Compiles `program` for the library's layout (a failure to compile fails the test). */
const compiled = (name: string, program: Compile.Program): Compile.Compiled => {
  const c = Compile.compile(program, { name, mms: Scenarios.layout })
  if (c instanceof Compile.CompileError) throw c
  return c
}

const { anonVmaLockWrite, anonVmaOf, findVma, mmapReadLock, mmapReadTrylock } = api
const ANON = 600
const STACK = 8300

const world = (...tasks: Array<Compile.Compiled>): WorldSpec => ({
  mms: Scenarios.layout,
  tasks: tasks.map((t) => t.task),
})

describe("compiling core programs into task programs", () => {
  it("the fault path becomes a decision tree: each call the world decides, both ways", () => {
    const c = compiled("fault", fault(ANON))
    // VMA lock taken or not; a VMA found or not; a PTE table mapped, or one allocated.
    expect(c.paths).toBe(5)
    expect(c.task.program.map((s) => `${s.label ?? ""}|${Program.show(s)}`)).toEqual([
      "|lock_vma_under_rcu(600) else goto f0",
      "|pte_offset_map_lock(600) else goto f1",
      "|installPte(600)",
      "|pte_unmap_unlock(600)",
      "|vma_end_read(512)",
      "|goto end",
      "f1|lock pte_lock(600)",
      "|installPte(600)",
      "|unlock pte_lock(600)",
      "|vma_end_read(512)",
      "|goto end",
      "f0|lock_read mmap",
      "|find_vma(600) else goto f2",
      "|pte_offset_map_lock(600) else goto f3",
      "|installPte(600)",
      "|pte_unmap_unlock(600)",
      "|unlock_read mmap",
      "|goto end",
      "f3|lock pte_lock(600)",
      "|installPte(600)",
      "|unlock pte_lock(600)",
      "|unlock_read mmap",
      "|goto end",
      "f2|unlock_read mmap",
    ])
  })

  it("runs each path on the live kernel layer as on the compiled program (one mapping)", () => {
    const c = compiled("fault", fault(ANON))
    const w = new World(world(c))
    for (let n = 0; n < 100 && !w.finished(); n++) w.step(0)
    expect(w.violations).toEqual([])
    expect(w.finished()).toBe(true)
    expect(w.mms.get("proc")?.pt.read(600)).not.toBe(0)
  })

  it("each step points at the line of the call that made it", () => {
    const c = compiled("mprotect", mprotect(ANON))
    const here = new URL("../src/scenarios/paths.ts", import.meta.url).pathname
    const lines = c.sources.map((s) => s && `${s.file === here}:${s.line}`)
    const source = readFileSync(here, "utf8").split("\n")
    const line = (text: string) => 1 + source.findIndex((l) => l.includes(text))
    expect(lines).toEqual([
      `true:${line("export const mprotect = ") + 1}`,
      `true:${line("export const mprotect = ") + 2}`,
      `true:${line("vmaStartWrite(vma, writeVma(")}`,
      `true:${line("vmaStartWrite(vma, writeVma(")}`,
      `true:${line("export const mprotect = ") + 1}`,
      undefined, // goto end: the compiler's own jump
      `true:${line("export const mprotect = ") + 1}`, // find_vma found nothing: unlock
    ])
  })

  describe("exploring compiled core programs", () => {
    it("a fault racing with mprotect is safe in every interleaving", () => {
      const r = Explorer.explore(
        world(compiled("fault", fault(ANON)), compiled("mprotect", mprotect(ANON))),
      )
      expect(r.verdict).toBe("safe")
      expect(r.states).toBeGreaterThan(10)
    })

    it("two paths taking two anon_vma locks in opposite orders deadlock in some schedule", () => {
      const nested = (outer: Address.PageAddr, inner: Address.PageAddr) =>
        mmapReadLock(mm, (lock) =>
          Effect.gen(function* () {
            const a = yield* findVma(lock, outer)
            const b = yield* findVma(lock, inner)
            if (!Vma.hasKind(a, "anonymous") || !Vma.hasKind(b, "anonymous")) return
            const [first, second] = [yield* anonVmaOf(a), yield* anonVmaOf(b)]
            yield* anonVmaLockWrite(first, () => anonVmaLockWrite(second, () => Effect.void))
          }),
        )
      const spec = world(
        compiled("merge", nested(page(ANON), page(STACK))),
        compiled("split", nested(page(STACK), page(ANON))),
      )
      const r = Explorer.explore(spec)
      expect(r.verdict).toBe("violation")
      expect(r.violation?.kind).toBe("deadlock")
      // The shrunk schedule replays to the same deadlock, and no single step of it can go.
      const w = replay(spec, r.schedule ?? [])
      expect(w.violations[0]?.kind).toBe("deadlock")
      // Run one path alone: no deadlock (the race needs both).
      expect(
        Explorer.explore(world(compiled("merge", nested(page(ANON), page(STACK))))).verdict,
      ).toBe("safe")
    })

    it("an rmap walk becomes the world's walk loop, its body in the tree's page offsets", () => {
      const c = compiled("truncate", truncate)
      expect(c.paths).toBe(1)
      expect(c.task.program.map((s) => `${s.label ?? ""}|${Program.show(s)}`)).toEqual([
        "|lock_read i_mmap(libfoo)",
        expect.stringMatching(/^w0\|.*2048.*2559/),
        "|zapRange(2048, 2560)",
        "|next vma of w0",
        "w0.done|unlock_read i_mmap(libfoo)",
      ])
      expect(Explorer.explore(world(c)).verdict).toBe("safe")
      // The PTE lock in a walk's body is taken as pte_alloc_map_lock does: one path.
      const install = compiled("install", installUnderRmap)
      expect(install.paths).toBe(1)
      expect(install.task.program.map((s) => s.op)).toContain("lock")
    })

    it("a decision inside an rmap walk's body branches the body; the branches meet at its next VMA", () => {
      // retract_page_tables as the library writes it: per VMA, a table mapped under RCU (or
      // none), then the PMD lock and the PTE lock with the pmd_same re-check (or changed).
      const retract = Scenarios.all.find((x) => x.id === "retract-revalidate")?.paths
        .khugepaged as Compile.Program
      const c = compiled("khugepaged", retract)
      expect(c.paths).toBe(3)
      const program = c.task.program
      expect(program.filter((s) => s.op === "rmapWalkNext")).toHaveLength(1)
      const next = program.find((s) => s.op === "rmapWalkNext")
      // Every branch of the body that does not fall through to it jumps to it.
      expect(program.filter((s) => s.op === "goto" && s.to === next?.label)).toHaveLength(2)
      const w = new World(world(c))
      while (!w.finished()) w.step(0)
      expect(w.violations).toEqual([])
      expect(w.mms.get("proc")?.pt.pteTablePfn(2048)).toBeUndefined()
    })

    it("a trylock is explored both ways", () => {
      const c = compiled(
        "try",
        mmapReadTrylock(mm, () => Effect.void, Effect.void),
      )
      expect(c.paths).toBe(2)
      expect(c.task.program.map(Program.show)).toEqual([
        "trylock_read mmap else goto f0",
        "unlock_read mmap",
        "goto end",
        "goto end",
      ])
      expect(c.task.program[3]?.label).toBe("f0")
    })
  })

  describe("programs that cannot be compiled get a typed error", () => {
    const reason = (program: Compile.Program, options = {}) => {
      const c = Compile.compile(program, { name: "t", mms: Scenarios.layout, ...options })
      return c instanceof Compile.CompileError ? c.reason : "compiled"
    }
    it("an asynchronous program", () => {
      expect(reason(mmapReadLock(mm, () => Effect.sleep(1)))).toBe("async")
    })
    it("a program that throws", () => {
      expect(
        reason(
          mmapReadLock(mm, () =>
            Effect.sync(() => {
              throw new TypeError("boom")
            }),
          ),
        ),
      ).toBe("defect")
    })
    it("a program on an mm the world lacks", () => {
      expect(reason(mmapReadLock(Mm.make("other"), () => Effect.void))).toBe("mm")
    })
    it("a retry loop that never ends", () => {
      const spin = Effect.forever(mmapReadTrylock(mm, () => Effect.void, Effect.void))
      expect(reason(spin, { maxCalls: 50 })).toBe("too-many-calls")
    })
    it("more control-flow paths than allowed", () => {
      const tries = Effect.all(
        Array.from({ length: 10 }, () => mmapReadTrylock(mm, () => Effect.void, Effect.void)),
      )
      expect(reason(tries, { maxPaths: 100 })).toBe("too-many-paths")
      expect(reason(tries, { maxPaths: 1024 })).toBe("compiled")
    })
  })
})

describe("call sites", () => {
  it("skip node internals and read frames with or without a function name, spaces included", () => {
    const stack = [
      "Error",
      "    at node:internal/main:3:4",
      "    at fault (/home/me/my paths/fault.ts:12:7)",
      "    at /home/me/other.ts:3:9",
    ].join("\n")
    expect(Compile.callerOf(stack)).toEqual({
      file: "/home/me/my paths/fault.ts",
      line: 12,
      column: 7,
    })
    expect(Compile.callerOf("Error\n    at file:///home/me/other%20dir/a.ts:3:9")).toEqual({
      file: "/home/me/other dir/a.ts",
      line: 3,
      column: 9,
    })
  })
})
