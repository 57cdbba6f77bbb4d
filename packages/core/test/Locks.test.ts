import { it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { describe, expect } from "vitest"
import {
  Address,
  addressSpace,
  detachVma,
  downgradePhases,
  findVma,
  freePgtables,
  iMmapLockRead,
  Kernel,
  KernelError,
  lockVmaUnderRcu,
  Mm,
  mmapReadTrylock,
  mmapWriteDowngrade,
  mmapWriteLock,
  movePageTables,
  takeRmapLocks,
  Vma,
  vmaIntervalTreeForeach,
  vmaStartWrite,
  vmaStartWriteKillable,
  zapRange,
} from "../src/index.js"

/** The tracing kernel, refusing zapRange (to test release on failure). */
const recorder = (busy = false) =>
  Kernel.tracing({
    busy,
    refuse: (action) =>
      action === "zapRange"
        ? new KernelError.RuleViolation({ rule: "P4", message: "refused" })
        : undefined,
  })
const mm = Mm.make("proc1")

describe("validating constructors", () => {
  it.effect("a misaligned page address is a typed failure naming P1", () =>
    Effect.gen(function* () {
      const bad = yield* Effect.flip(Address.pageAddr(0x1001))
      expect(bad).toMatchObject({ _tag: "InvalidAddress", reason: "misaligned", rule: "P1" })
      expect(yield* Effect.flip(Address.virtAddr(-1))).toMatchObject({ reason: "negative" })
      expect(
        yield* Effect.flip(Address.pagesAfter(yield* Address.pageAddr(2n ** 64n - 4096n), 1)),
      ).toMatchObject({
        reason: "too-large",
      })
    }),
  )
})

describe("lock scopes release on every exit", () => {
  it.effect("failure inside mmap_write_lock still unlocks", () =>
    Effect.gen(function* () {
      const { log, layer } = recorder()
      const start = yield* Address.pageAddr(0)
      const end = yield* Address.pagesAfter(start, 1)
      const program = lockVmaUnderRcu(mm, start, {
        onLocked: (v) => zapRange(v, start, end),
        onFallback: () => Effect.void,
      })
      const exit = yield* Effect.exit(program.pipe(Effect.provide(layer)))
      expect(Exit.isFailure(exit)).toBe(true)
      expect(log).toEqual(["lock vma read", "unlock vma read"])
    }),
  )

  it.effect("interruption inside mmap_write_lock still unlocks", () =>
    Effect.gen(function* () {
      const { log, layer } = recorder()
      const exit = yield* Effect.exit(
        mmapWriteLock(mm, () => Effect.interrupt).pipe(Effect.provide(layer)),
      )
      expect(Exit.hasInterrupts(exit)).toBe(true)
      expect(log).toEqual(["lock mmap write", "unlock mmap write"])
    }),
  )

  it.effect("a busy trylock runs the fallback and takes nothing", () =>
    Effect.gen(function* () {
      const { log, layer } = recorder(true)
      const r = yield* mmapReadTrylock(
        mm,
        () => Effect.succeed("locked"),
        Effect.succeed("busy"),
      ).pipe(Effect.provide(layer))
      expect(r).toBe("busy")
      expect(log).toEqual(["busy mmap read"])
    }),
  )

  it.effect("downgrade: write phase, downgrade, read phase, read unlock (V5)", () =>
    Effect.gen(function* () {
      const { log, layer } = recorder()
      const program = mmapWriteDowngrade(mm, () =>
        downgradePhases(Effect.succeed(1), (n) => Effect.succeed(n + 1)),
      )
      expect(yield* program.pipe(Effect.provide(layer))).toBe(2)
      expect(log).toEqual(["lock mmap write", "downgrade", "unlock mmap read"])
    }),
  )

  it.effect("vma_start_write has no unlock of its own (L3: it ends with the mmap write lock)", () =>
    Effect.gen(function* () {
      const { log, layer } = recorder()
      const program = mmapWriteLock(mm, (lock) =>
        Effect.flatMap(findVma(lock, Effect.runSync(Address.pageAddr(0))), (vma) =>
          vmaStartWrite(vma, Effect.void),
        ),
      )
      yield* program.pipe(Effect.provide(layer))
      expect(log).toEqual(["lock mmap write", "lock vma write", "unlock mmap write"])
    }),
  )
})

describe("issue 12 scopes at run time", () => {
  const page = (n: bigint) => Effect.runSync(Address.pageAddr(n * 4096n))
  const fileVma = {
    id: 7,
    start: 0n,
    end: 0x20_0000n,
    pgoff: 0n,
    anonymous: false,
    flags: [],
    file: "libc.so",
  }
  const privateFile = { ...fileVma, anonVma: 3 }

  it.effect("munmap: detach under write, downgrade, free under read with the proof (P7)", () =>
    Effect.gen(function* () {
      const { log, layer } = Kernel.tracing()
      const program = mmapWriteDowngrade(mm, (lock) =>
        downgradePhases(
          Effect.flatMap(findVma(lock, page(0n)), (vma) => vmaStartWrite(vma, detachVma(vma))),
          (detached) => freePgtables(lock, page(0n), page(512n), detached),
        ),
      )
      yield* program.pipe(Effect.provide(layer))
      expect(log).toEqual([
        "lock mmap write",
        "lock vma write",
        "detachVma",
        "downgrade",
        "freePgtables",
        "unlock mmap read",
      ])
    }),
  )

  it.effect("free_pgtables past the detached VMAs fails with P7 before the kernel is asked", () =>
    Effect.gen(function* () {
      const { log, layer } = Kernel.tracing()
      const program = mmapWriteDowngrade(mm, (lock) =>
        downgradePhases(
          Effect.flatMap(findVma(lock, page(0n)), (vma) => vmaStartWrite(vma, detachVma(vma))),
          (detached) => freePgtables(lock, page(0n), page(1024n), detached),
        ),
      )
      const err = yield* Effect.flip(program.pipe(Effect.provide(layer)))
      expect(err).toMatchObject({ _tag: "RuleViolation", rule: "P7" })
      expect(log).not.toContain("freePgtables")
      expect(log.at(-1)).toBe("unlock mmap read")
    }),
  )

  it.effect("vma_start_write_killable: a fatal signal is -EINTR in the error channel (L11)", () =>
    Effect.gen(function* () {
      const { log, layer } = Kernel.tracing({ killed: true })
      const program = mmapWriteLock(mm, (lock) =>
        Effect.flatMap(findVma(lock, page(0n)), (vma) =>
          vmaStartWriteKillable(vma, zapRange(vma, page(0n), page(1n))).pipe(
            Effect.catchTag("VmaStartWriteInterrupted", (e) => Effect.succeed(e.errno)),
          ),
        ),
      )
      expect(yield* program.pipe(Effect.provide(layer))).toBe("EINTR")
      expect(log).toEqual(["lock mmap write", "killed vma write", "unlock mmap write"])
    }),
  )

  it.effect("kinds come from what the kernel reports; take_rmap_locks takes that kind's", () =>
    Effect.gen(function* () {
      const { log, layer } = Kernel.tracing({ vma: privateFile })
      const program = mmapWriteLock(mm, (lock) =>
        Effect.gen(function* () {
          const vma = yield* findVma(lock, page(0n))
          expect(vma.kind).toBe("privateFileAnon")
          expect(Vma.hasKind(vma, "anonymous", "sharedFile")).toBe(false)
          yield* vmaStartWrite(
            vma,
            takeRmapLocks(vma, movePageTables(vma, page(0n), page(1n), page(512n))),
          )
        }),
      )
      yield* program.pipe(Effect.provide(layer))
      expect(log).toEqual([
        "lock mmap write",
        "lock vma write",
        "lock iMmap write",
        "lock anonVma write",
        "movePageTables",
        "unlock anonVma write",
        "unlock iMmap write",
        "unlock mmap write",
      ])
      expect(Vma.kindOf(fileVma)).toBe("privateFile")
      expect(Vma.kindOf({ ...privateFile, shared: true })).toBe("sharedFile")
    }),
  )

  it.effect("an rmap walk hands each VMA of the locked address_space to its body", () =>
    Effect.gen(function* () {
      const { log, layer } = Kernel.tracing()
      const first = yield* Address.pgoff(0)
      const program = iMmapLockRead(addressSpace("libc.so"), (locked) =>
        vmaIntervalTreeForeach(locked, first, first, (vma) =>
          Effect.as(zapRange(vma, page(0n), page(1n)), vma.info.mm),
        ),
      )
      expect(yield* program.pipe(Effect.provide(layer))).toEqual(["proc1"])
      expect(log).toEqual(["lock iMmap read", "rmapWalk libc.so", "zapRange", "unlock iMmap read"])
    }),
  )
})
