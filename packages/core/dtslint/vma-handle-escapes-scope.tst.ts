import { addr, Core, Effect, end, mm, provide, run } from "./setup.js"

// 7. (L5, issue 12 point 2) a VMA handle is valid only inside the scope that keeps it stable.
// Returned out of its mmap lock scope: the handle's type cannot leave.
// @expect-error L5: a VMA handle is valid only inside the scope that keeps it stable
export const escaped = Core.mmapReadLock(mm, (lock) => Core.findVma(lock, addr))

// Returned past vma_end_read of lock_vma_under_rcu, to be used later.
export const afterEndRead = Core.lockVmaUnderRcu(mm, addr, {
  // @expect-error L5: a VMA handle is valid only inside the scope that keeps it stable
  onLocked: (v) => Effect.succeed(v),
  onFallback: () => Effect.void,
})

// A program using the handle escapes instead, to run under a later scope of the same mm.
export const deferred = Core.mmapReadLock(mm, (lock) =>
  // @expect-error L5: valid only inside the mmap lock scope that found it
  Effect.map(Core.findVma(lock, addr), (v) => Core.zapRange(v, addr, end)),
)

// The same in a generator: the handle is kept in a closure.
export const closure = Core.mmapReadLock(mm, (lock) =>
  // @expect-error L5: valid only inside the mmap lock scope that found it
  Effect.gen(function* () {
    const v = yield* Core.findVma(lock, addr)
    return () => Core.readVma(v)
  }),
)

// Correct: the handle is used inside its scope, also inside nested scopes of other kinds.
const inside = Core.mmapReadLock(mm, (lock) =>
  Effect.gen(function* () {
    const v = yield* Core.findVma(lock, addr)
    yield* Core.pteOffsetMapLock(v, addr, (pte) =>
      Effect.andThen(Core.readPte(pte, addr), Core.readVma(v)),
    )
    return yield* Core.readVma(v)
  }),
)
run(inside.pipe(provide))
