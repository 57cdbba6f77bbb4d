import { addr, Core, Effect, end, far, mm, pgoff, provide, run } from "./setup.js"

// F7, F8, P14 per object: the rmap locks a VMA's rows need are those of ITS address_space and
// ITS anon_vma. Holding another file's i_mmap lock, or another anon_vma's lock, is not enough;
// the error is reported at the lock scope that holds the wrong object's lock.
const libbar = Core.addressSpace("libbar.so")

// Broken (F7): vma_interval_tree_insert of a shared file VMA under libbar's i_mmap lock, while
// the VMA maps a file of its own (vma->vm_file->f_mapping).
const sharedRbWrongFile = Core.mmapWriteLock(mm, (lock) =>
  Effect.gen(function* () {
    const vma = yield* Core.findVma(lock, addr)
    if (!Core.Vma.hasKind(vma, "sharedFile")) return
    yield* Core.vmaStartWrite(
      vma,
      // @expect-error IMmapLockOf<"IMmapWriteLock", "F7"
      Core.iMmapLockWrite(libbar, () => Core.writeVma(vma, "shared_rb", 0)),
    )
  }),
)

export { sharedRbWrongFile }

// Correct (F7): the i_mmap lock of the VMA's own address_space.
const sharedRb = Core.mmapWriteLock(mm, (lock) =>
  Effect.gen(function* () {
    const vma = yield* Core.findVma(lock, addr)
    if (!Core.Vma.hasKind(vma, "sharedFile")) return
    yield* Core.vmaStartWrite(
      vma,
      Core.iMmapLockWrite(Core.fileMapping(vma), () => Core.writeVma(vma, "shared_rb", 0)),
    )
  }),
)
run(sharedRb.pipe(provide))

// Broken (P14): mremap of a shared file VMA holding libbar's i_mmap lock.
export const moveWrongFile = Core.mmapWriteLock(mm, (lock) =>
  Effect.gen(function* () {
    const vma = yield* Core.findVma(lock, addr)
    if (!Core.Vma.hasKind(vma, "sharedFile")) return
    yield* Core.vmaStartWrite(
      vma,
      // @expect-error IMmapLockOf<"IMmapWriteLock", "P14"
      Core.iMmapLockWrite(libbar, () => Core.movePageTables(vma, addr, end, far)),
    )
  }),
)

// Correct (P14): take_rmap_locks takes the VMA's own locks.
const move = Core.mmapWriteLock(mm, (lock) =>
  Effect.gen(function* () {
    const vma = yield* Core.findVma(lock, addr)
    yield* Core.vmaStartWrite(
      vma,
      Core.takeRmapLocks(vma, Core.movePageTables(vma, addr, end, far)),
    )
  }),
)
run(move.pipe(provide))

// Broken (F8): the anon_vma_chain of VMA `b` written holding the lock of anon_vma A, the
// anon_vma of a VMA `a` that an rmap walk of libbar found.
export const chainWrongAnonVma = Core.mmapReadLock(mm, (lock) =>
  Effect.gen(function* () {
    const b = yield* Core.findVma(lock, addr)
    if (!Core.Vma.hasKind(b, "anonymous")) return
    yield* Core.iMmapLockRead(libbar, (locked) =>
      Core.vmaIntervalTreeForeach(locked, pgoff, pgoff, (a) =>
        Effect.gen(function* () {
          if (!Core.Vma.hasKind(a, "privateFileAnon")) return
          const anonA = yield* Core.anonVmaOf(a)
          // @expect-error AnonVmaLockOf<"AnonVmaWriteLock", "F8"
          yield* Core.anonVmaLockWrite(anonA, () => Core.writeVma(b, "anon_vma_chain", 0))
        }),
      ),
    )
  }),
)

// Correct (F8): b's own anon_vma.
const chain = Core.mmapReadLock(mm, (lock) =>
  Effect.gen(function* () {
    const b = yield* Core.findVma(lock, addr)
    if (!Core.Vma.hasKind(b, "anonymous")) return
    const anonB = yield* Core.anonVmaOf(b)
    yield* Core.anonVmaLockWrite(anonB, () => Core.writeVma(b, "anon_vma_chain", 0))
  }),
)
run(chain.pipe(provide))

// Broken (P14): b's page tables moved holding anon_vma A's lock.
export const moveWrongAnonVma = Core.mmapWriteLock(mm, (lock) =>
  Effect.gen(function* () {
    const b = yield* Core.findVma(lock, addr)
    if (!Core.Vma.hasKind(b, "anonymous")) return
    yield* Core.vmaStartWrite(
      b,
      Core.iMmapLockRead(libbar, (locked) =>
        Core.vmaIntervalTreeForeach(locked, pgoff, pgoff, (a) =>
          Effect.gen(function* () {
            if (!Core.Vma.hasKind(a, "privateFileAnon")) return
            const anonA = yield* Core.anonVmaOf(a)
            // @expect-error AnonVmaLockOf<"AnonVmaWriteLock", "P14"
            yield* Core.anonVmaLockWrite(anonA, () => Core.movePageTables(b, addr, end, far))
          }),
        ),
      ),
    )
  }),
)

// The VMAs an i_mmap walk of libbar finds map libbar: the identity the walk gives them. F7
// needs that address_space's lock in write mode, and the walk holds it for reading.
export const walked = Core.iMmapLockRead(libbar, (locked) =>
  // @expect-error IMmapLockOf<"IMmapWriteLock", "F7", "libbar.so">
  Core.vmaIntervalTreeForeach(locked, pgoff, pgoff, (vma) => Core.writeVma(vma, "shared_rb", 0)),
)

// Broken (P14): no rmap lock at all. The object locks end with the mmap lock scope that found
// the VMA; what is reported is the missing lock of each kind the VMA may be, for its mm.
const noRmapLock = Core.mmapWriteLock(mm, (lock) =>
  Effect.gen(function* () {
    const vma = yield* Core.findVma(lock, addr)
    yield* Core.vmaStartWrite(vma, Core.movePageTables(vma, addr, end, far))
  }),
)
// @expect-error LockRequired<"IMmapWriteLock", "proc1">
// @expect-error LockRequired<"AnonVmaWriteLock", "proc1">
run(noRmapLock.pipe(provide))

// The same for a VMA read-locked under the mmap read lock (V8): F8 with no anon_vma lock.
const chainNoLock = Core.mmapReadLock(mm, (lock) =>
  Effect.flatMap(Core.findVma(lock, addr), (vma) =>
    Core.vmaStartReadLocked(vma, {
      onLocked: (v) => Core.writeVma(v, "anon_vma_chain", 0),
      onFailed: () => Effect.void,
    }),
  ),
)
// @expect-error LockRequired<"AnonVmaWriteLock", "proc1">
run(chainNoLock.pipe(provide))

// An anon_vma walk: each VMA's own anon_vma is another object than the one walked.
const walkChain = Core.mmapReadLock(mm, (lock) =>
  Effect.gen(function* () {
    const vma = yield* Core.findVma(lock, addr)
    if (!Core.Vma.hasKind(vma, "anonymous")) return
    const av = yield* Core.anonVmaOf(vma)
    yield* Core.anonVmaLockRead(av, (locked) =>
      Core.anonVmaIntervalTreeForeach(locked, pgoff, pgoff, (other) =>
        Effect.flatMap(Core.anonVmaOf(other), (own) =>
          // @expect-error AnonVmaLockOf<"AnonVmaWriteLock", "F8"
          Core.anonVmaLockWrite(own, () => Core.writeVma(vma, "anon_vma_chain", 0)),
        ),
      ),
    )
  }),
)

export { walkChain }
