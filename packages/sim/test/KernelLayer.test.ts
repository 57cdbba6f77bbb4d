import { it } from "@effect/vitest"
import {
  Address,
  addressSpace,
  atomicLongSet,
  detachVma,
  findVma,
  freePgtables,
  iMmapLockRead,
  installPte,
  type Kernel,
  lockVmaUnderRcu,
  Mm,
  mmapReadLock,
  mmapWriteLock,
  pteOffsetMapLock,
  vmaIntervalTreeForeach,
  vmaStartWrite,
  writeVma,
  zapRange,
} from "@mmguard/core"
import { Effect, Exit } from "effect"
import { describe, expect } from "vitest"
import { KernelLayer, Pte, Scenarios, World } from "../src/index.js"

const PAGE = 4096n
/** A validated page address from a page number (the constructor is the only way to get one). */
const page = (n: bigint) => Effect.runSync(Address.pageAddr(n * PAGE))
const pfn = Effect.runSync(Address.pfn(100))
const anonStart = page(512n)
const anonEnd = page(1024n)
const fresh = () =>
  new World({
    mms: [{ name: "proc", vmas: [{ start: 512, end: 1024, anon: true, mapped: [512] }] }],
    tasks: [{ name: "driver", mm: "proc", program: [] }],
  })
const mm = Mm.make("proc")
const addr = page(600n)

const fault = lockVmaUnderRcu(mm, addr, {
  onLocked: (vma) => pteOffsetMapLock(vma, addr, (pte) => installPte(pte, addr, pfn)),
  onFallback: () =>
    mmapReadLock(mm, (lock) =>
      Effect.flatMap(findVma(lock, addr), (vma) =>
        pteOffsetMapLock(vma, addr, (pte) => installPte(pte, addr, pfn)),
      ),
    ),
})

describe("core programs against sim's kernel layer", () => {
  it.effect(
    "the page-fault path maps the page through lock_vma_under_rcu and releases every lock",
    () =>
      Effect.gen(function* () {
        const w = fresh()
        yield* fault.pipe(Effect.provide(KernelLayer.layer(w, 0)))
        // The PTE maps the page frame the program named.
        expect(Pte.pfn(w.mms.get("proc")?.pt.read(600) ?? 0)).toBe(100)
        expect(w.frames.count(100)).toBe(1)
        expect(w.violations).toEqual([])
        expect(w.tasks[0]?.held).toEqual([])
      }),
  )

  it.effect("mapping a page-table page into user space fails with P3, changing nothing", () =>
    Effect.gen(function* () {
      const w = fresh()
      const pgd = w.mms.get("proc")?.pt.tablePfns()[0] ?? 0
      const bad = mmapReadLock(mm, (lock) =>
        Effect.flatMap(findVma(lock, addr), (vma) =>
          pteOffsetMapLock(vma, addr, (pte) =>
            installPte(pte, addr, Effect.runSync(Address.pfn(pgd))),
          ),
        ),
      )
      const exit = yield* Effect.exit(bad.pipe(Effect.provide(KernelLayer.layer(w, 0))))
      expect(Exit.isFailure(exit)).toBe(true)
      expect(w.violations[0]).toMatchObject({ rule: "P3", kind: "misuse" })
      expect(w.mms.get("proc")?.pt.read(600)).toBe(0)
      expect(w.tasks[0]?.held).toEqual([])
    }),
  )

  it.effect("munmap zaps, detaches and frees the page tables", () =>
    Effect.gen(function* () {
      const w = fresh()
      const munmap = mmapWriteLock(mm, (lock) =>
        Effect.gen(function* () {
          const vma = yield* findVma(lock, anonStart)
          yield* vmaStartWrite(
            vma,
            Effect.andThen(detachVma(vma), zapRange(vma, anonStart, anonEnd)),
          )
          yield* freePgtables(lock, anonStart, anonEnd)
        }),
      )
      yield* munmap.pipe(Effect.provide(KernelLayer.layer(w, 0)))
      const proc = w.mms.get("proc")
      expect(proc?.vmas).toEqual([])
      expect(proc?.pt.tables).toBe(3) // PGD, PUD, PMD stay: their spans exceed the range
      expect(w.violations).toEqual([])
      expect(w.tasks[0]?.held).toEqual([])
    }),
  )

  it.effect("a rule broken at run time fails with RuleViolation naming it; no lock leaks", () =>
    Effect.gen(function* () {
      const w = fresh()
      // Type-correct, but free_pgtables runs before the zap: sim's checker rejects it (P7).
      const early = mmapWriteLock(mm, (lock) => freePgtables(lock, anonStart, anonEnd))
      const exit = yield* Effect.exit(early.pipe(Effect.provide(KernelLayer.layer(w, 0))))
      expect(Exit.isFailure(exit)).toBe(true)
      expect(JSON.stringify(exit)).toContain('"rule":"P7"')
      expect(w.tasks[0]?.held).toEqual([])
    }),
  )

  it.effect(
    "swap_readahead_info (F6): atomic_long_set under the mmap read lock is clean; a plain store, or no mmap lock, is F6",
    () =>
      Effect.gen(function* () {
        const run = (program: Effect.Effect<unknown, unknown, Kernel.Provided>) => {
          const w = fresh()
          return Effect.as(Effect.exit(program.pipe(Effect.provide(KernelLayer.layer(w, 0)))), w)
        }
        const atomic = yield* run(
          mmapReadLock(mm, (lock) =>
            Effect.flatMap(findVma(lock, addr), (v) => atomicLongSet(v, "swap_readahead_info", 7n)),
          ),
        )
        expect(atomic.violations).toEqual([])
        expect(atomic.mms.get("proc")?.vmas[0]?.extra.swap_readahead_info).toBe(7)
        // A plain store of the field (the types refuse it: cast past them, as C would).
        const plain = yield* run(
          mmapWriteLock(mm, (lock) =>
            Effect.flatMap(findVma(lock, addr), (v) =>
              vmaStartWrite(v, writeVma(v, "swap_readahead_info", 7n)),
            ),
          ) as never,
        )
        expect(plain.violations.map((v) => [v.rule, v.message])).toEqual([
          ["F6", expect.stringContaining("swap readahead lock")],
        ])
        expect(plain.mms.get("proc")?.vmas[0]?.extra.swap_readahead_info).toBe(7)
        // Atomic, but without the mmap lock: the VMA may go away under it (F6 needs mmap read).
        const bare = new World({
          mms: [{ name: "proc", vmas: [{ start: 512, end: 1024, anon: true }] }],
          tasks: [
            {
              name: "swapin",
              mm: "proc",
              program: [
                { op: "writeVma", addr: 600, field: "swap_readahead_info", value: 7, atomic: true },
              ],
            },
          ],
        })
        bare.step(0)
        expect(bare.violations.map((v) => [v.rule, v.message])).toEqual([
          ["F6", expect.stringContaining("mmap lock")],
        ])
      }),
  )

  it.effect("an interrupted body still releases the mmap lock", () =>
    Effect.gen(function* () {
      const w = fresh()
      const exit = yield* Effect.exit(
        mmapWriteLock(mm, () => Effect.interrupt).pipe(Effect.provide(KernelLayer.layer(w, 0))),
      )
      expect(Exit.hasInterrupts(exit)).toBe(true)
      expect(w.tasks[0]?.held).toEqual([])
      expect(w.sems.get("mmap:proc")?.writer).toBeNull()
    }),
  )

  it.effect("truncation walks i_mmap: each file VMA is zapped under the i_mmap lock alone", () =>
    Effect.gen(function* () {
      const w = new World({
        mms: [{ name: "proc", vmas: [{ start: 2048, end: 2560, file: "libfoo", mapped: [2048] }] }],
        tasks: [{ name: "driver", mm: "proc", program: [] }],
      })
      const first = yield* Address.pgoff(2048) // the sim's file VMAs map page n of the file at page n
      const truncate = iMmapLockRead(addressSpace("libfoo"), (locked) =>
        vmaIntervalTreeForeach(locked, first, first, (vma) =>
          Effect.as(zapRange(vma, page(2048n), page(2560n)), vma.kind),
        ),
      )
      expect(yield* truncate.pipe(Effect.provide(KernelLayer.layer(w, 0)))).toEqual(["privateFile"])
      expect(w.mms.get("proc")?.pt.read(2048)).toBe(0)
      expect(w.violations).toEqual([])
      expect(w.tasks[0]?.held).toEqual([])
    }),
  )
})

describe("World.act, the step an external driver runs", () => {
  const world = () =>
    new World({ mms: Scenarios.layout, tasks: [{ name: "t", mm: "proc", program: [] }] })

  it("tells a failure branch from success whatever the onFail label names", () => {
    // No VMA at page 4096: lock_vma_under_rcu fails, and the label is in no program.
    const w = world()
    expect(w.act(0, { op: "lockVmaUnderRcu", addr: 4096, onFail: "nowhere" })).toBe("jumped")
    expect(w.act(0, { op: "lockVmaUnderRcu", addr: 600, onFail: "nowhere" })).toBe("ran")
    expect(w.act(0, { op: "vmaEndRead", addr: 600 })).toBe("ran")
    expect(w.violations).toEqual([])
  })
})
