// One program language: a core program compiled into a task and run alone by the world does
// what the same program does on the live kernel layer (the first rule broken, or the memory).
import {
  Address,
  anonVmaLockRead,
  anonVmaLockWrite,
  changeAccessDirty,
  findVma,
  installPte,
  lockVmaUnderRcu,
  Mm,
  mmapReadLock,
  mmapReadTrylock,
  mmapWriteLock,
  pteOffsetMapLock,
  readVma,
  type Vma,
  vmaStartWrite,
  writeVma,
  zapRange,
} from "@mmguard/core"
import * as Effect from "effect/Effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Compile, KernelLayer, Scenarios, World } from "../src/index.js"

const mm = Mm.make("proc")
const page = (n: number) => Effect.runSync(Address.pageAddr(BigInt(n) * 4096n))
const pfn = Effect.runSync(Address.pfn(77))
const pages = [512, 600, 2048, 2100, 8300, 9000] // the last one no VMA covers

/** What a body may use: the mmap lock guard, a VMA, a locked PTE table (untyped on purpose). */
interface Ctx {
  readonly lock?: unknown
  readonly vma?: Vma.Vma<"proc">
  readonly pte?: unknown
}
type Body = (ctx: Ctx) => Effect.Effect<unknown, unknown, never>

// Programs are generated untyped on purpose: the sim must judge them the same both ways. So an
// entry change without the PTE lock, or find_vma without the mmap lock, is generated too: with
// the handles made up from the VMA or the mm.
const pteOf = ({ pte, vma }: Ctx, addr: Address.PageAddr): never =>
  (pte ?? { mm: vma?.mm, vma: vma?.info, addr }) as never
const leaf: fc.Arbitrary<Body> = fc.oneof(
  fc.constantFrom<Body>(
    (c) => (c.vma ? (installPte(pteOf(c, page(600)), page(600), pfn) as never) : Effect.void),
    (c) => (c.vma ? (zapRange(c.vma, page(512), page(516)) as never) : Effect.void),
    (c) =>
      c.vma
        ? (changeAccessDirty(pteOf(c, page(512)), page(512), { accessed: false }) as never)
        : Effect.void,
    (c) => (c.vma ? (readVma(c.vma) as never) : Effect.void),
    (c) => (c.vma ? (writeVma(c.vma, "vm_flags", ["read"]) as never) : Effect.void),
  ),
)
const body: fc.Arbitrary<Body> = fc.letrec<{ body: Body }>((tie) => ({
  body: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.tuple(tie("body"), tie("body")).map(
      ([a, b]): Body =>
        (c) =>
          Effect.andThen(a(c), b(c)),
    ),
    tie("body").map(
      (b): Body =>
        () =>
          mmapReadLock(mm, (lock) => b({ lock })) as never,
    ),
    tie("body").map(
      (b): Body =>
        () =>
          mmapWriteLock(mm, (lock) => b({ lock })) as never,
    ),
    fc.tuple(tie("body"), tie("body")).map(
      ([b, busy]): Body =>
        () =>
          mmapReadTrylock(mm, (lock) => b({ lock }), busy({})) as never,
    ),
    fc.tuple(fc.constantFrom(...pages), tie("body")).map(
      ([p, b]): Body =>
        (c) =>
          Effect.catch(
            Effect.flatMap(findVma((c.lock ?? { mm }) as never, page(p)), (v) =>
              b({ ...c, vma: v as never }),
            ),
            () => Effect.void,
          ) as never,
    ),
    fc.tuple(fc.constantFrom(...pages), tie("body"), tie("body")).map(
      ([p, locked, fallback]): Body =>
        () =>
          lockVmaUnderRcu(mm, page(p), {
            onLocked: (v) => locked({ vma: v as never }) as never,
            onFallback: () => fallback({}),
          }) as never,
    ),
    // Page 600 has a PTE table (pte_offset_map_lock maps it); page 8300 has none (allocated).
    fc.tuple(fc.constantFrom(600, 8300), tie("body")).map(
      ([p, b]): Body =>
        (c) =>
          c.vma ? (pteOffsetMapLock(c.vma, page(p), (pte) => b({ ...c, pte })) as never) : b(c),
    ),
    tie("body").map(
      (b): Body =>
        (c) =>
          c.vma ? (vmaStartWrite(c.vma, b(c)) as never) : b(c),
    ),
    fc.tuple(fc.boolean(), tie("body")).map(
      ([write, b]): Body =>
        (c) => {
          const id = c.vma?.info.anonVma
          if (id === undefined) return b(c)
          const lock = write ? anonVmaLockWrite : anonVmaLockRead
          return lock({ id } as never, () => b(c)) as never
        },
    ),
  ),
})).body

const fresh = (program: ReadonlyArray<never>) =>
  new World({ mms: Scenarios.layout, tasks: [{ name: "t", mm: "proc", program }] })
const memory = (w: World) => ({
  ptes: pages.map((p) => w.mms.get("proc")?.pt.read(p)),
  vmas: w.mms.get("proc")?.vmas.map((v) => [v.start, v.end, [...v.flags]]),
})

describe("compiled core programs behave as on the live kernel layer", () => {
  it("the same first violation, or the same memory", () => {
    fc.assert(
      fc.property(body, (b) => {
        const program = b({}) as Compile.Program
        const live = fresh([])
        Effect.runSyncExit(Effect.provide(program, KernelLayer.layer(live, 0)))
        const c = Compile.compile(program, { name: "t", mms: Scenarios.layout })
        if (c instanceof Compile.CompileError) throw new Error(c.message)
        const compiled = fresh(c.task.program as ReadonlyArray<never>)
        for (let n = 0; n < 10_000 && !compiled.finished() && compiled.violations.length === 0; n++)
          if (compiled.step(0) === "not-runnable") break
        const first = (w: World) => w.violations[0] && [w.violations[0].rule, w.violations[0].kind]
        expect(first(compiled)).toEqual(first(live))
        if (live.violations.length === 0) {
          expect(memory(compiled)).toEqual(memory(live))
          expect(compiled.finished()).toBe(true)
        }
      }),
      { numRuns: 300 },
    )
  })

  it("the live layer reports a failed trylock as busy (it used to take the jump for success)", () => {
    const w = new World({
      mms: Scenarios.layout,
      tasks: [
        { name: "driver", mm: "proc", program: [] },
        { name: "writer", mm: "proc", program: [{ op: "lock", lock: "mmap", mode: "write" }] },
      ],
    })
    w.step(1)
    const tried = mmapReadTrylock(mm, () => Effect.succeed("locked"), Effect.succeed("busy"))
    expect(Effect.runSync(Effect.provide(tried, KernelLayer.layer(w, 0)))).toBe("busy")
    expect(w.tasks[0]?.held).toEqual([])
  })
})
