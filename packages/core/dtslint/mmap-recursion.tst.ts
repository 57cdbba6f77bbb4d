import { addr, Core, Effect, end, mm, provide, run, vma } from "./setup.js"

// Issue 12 point 5 (L10): the mmap lock taken again inside an mmap lock scope of the same mm
// self-deadlocks (rwsems are not recursive), whatever the modes and however deep.
const readInRead = Core.mmapReadLock(mm, () => Core.mmapReadLock(mm, () => Effect.void))
// @expect-error L10: the mmap lock of proc1 is already held here
run(readInRead.pipe(provide))

const writeDeep = Core.mmapReadLock(mm, (lock) =>
  Effect.gen(function* () {
    const v = yield* Core.findVma(lock, addr)
    yield* Core.pteOffsetMapLock(v, addr, () =>
      Core.mmapWriteTrylock(mm, () => Effect.void, Effect.void),
    )
  }),
)
// @expect-error L10: the mmap lock of proc1 is already held here
run(writeDeep.pipe(provide))

// Correct: one scope, then another after it (not nested).
const sequential = Effect.andThen(
  Core.mmapReadLock(mm, () => Core.zapRange(vma, addr, end)),
  Core.mmapWriteLock(mm, () => Core.zapRange(vma, addr, end)),
)
run(sequential.pipe(provide))
