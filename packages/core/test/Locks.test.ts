import { it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { describe, expect } from "vitest"
import {
  Address,
  downgradePhases,
  findVma,
  Kernel,
  KernelError,
  lockVmaUnderRcu,
  Mm,
  mmapReadTrylock,
  mmapWriteDowngrade,
  mmapWriteLock,
  vmaStartWrite,
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
