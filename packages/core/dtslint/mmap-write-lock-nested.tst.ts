import { addr, Core, Effect, end, Mm, mm, provide, run } from "./setup.js"

// dup_mmap (fork): the old mm's mmap write lock, then the new mm's with mmap_write_lock_nested
// (nobody can reach the new mm yet; the lockdep subclass tells the two locks apart). The old
// mm's VMAs, found in the outer scope, are read inside the nested one.
const child = Mm.make("child")
const dupMmap = Core.mmapWriteLock(mm, (old) =>
  Effect.gen(function* () {
    const src = yield* Core.findVma(old, addr)
    yield* Core.mmapWriteLockNested(child, (nw) =>
      Effect.gen(function* () {
        const info = yield* Core.readVma(src)
        yield* Core.mmapRegion(nw, addr, end)
        const dst = yield* Core.findVma(nw, addr)
        yield* Core.readVma(dst)
        return info
      }),
    )
  }),
)
run(dupMmap.pipe(provide))

// The new mm's VMA is valid only inside the nested scope that found it.
export const escaped = Core.mmapWriteLock(mm, () =>
  // @expect-error L5: a VMA handle is valid only inside the scope that keeps it stable
  Core.mmapWriteLockNested(child, (nw) => Core.findVma(nw, addr)),
)

// Nested on the same mm it is still a self-deadlock (L10).
const sameMm = Core.mmapReadLock(mm, () => Core.mmapWriteLockNested(mm, () => Effect.void))
// @expect-error L10: the mmap lock of proc1 is already held here
run(sameMm.pipe(provide))

// Broken: the same with a plain mmapWriteLock for the new mm. The old mm's VMA used inside is
// refused, as lockdep refuses a second mmap lock without its nesting subclass.
export const unannotated = Core.mmapWriteLock(mm, (old) =>
  Effect.gen(function* () {
    const src = yield* Core.findVma(old, addr)
    yield* Core.mmapWriteLock(child, () =>
      // @expect-error L5: valid only inside the mmap lock scope that found it
      Core.readVma(src),
    )
  }),
)
