import { addr, Core, Effect, end, mm, provide, run } from "./setup.js"

// Issue 12 point 1 (P7 rev 2): the kernel's munmap frees page tables under the downgraded read
// lock, with the proof that detachVma detached the VMAs under the write lock.
/** munmap's write phase: the VMA found, write-locked and detached (the proof). */
const gather = <S>(lock: Core.MmapLock<"proc1", "write", S>) =>
  Effect.gen(function* () {
    const vma = yield* Core.findVma(lock, addr)
    const detached = yield* Core.vmaStartWrite(vma, Core.detachVma(vma))
    return { vma, detached }
  })
const munmap = Core.mmapWriteDowngrade(mm, (lock) =>
  Core.downgradePhases(gather(lock), ({ vma, detached }) =>
    Effect.andThen(Core.zapRange(vma, addr, end), Core.freePgtables(lock, addr, end, detached)),
  ),
)
run(munmap.pipe(provide))

// Broken: freeing under the read lock while the VMA is still attached (no detach proof).
const attached = Core.mmapWriteDowngrade(mm, (lock) =>
  Core.downgradePhases(Core.findVma(lock, addr), (vma) =>
    Effect.andThen(Core.zapRange(vma, addr, end), Core.freePgtables(lock, addr, end)),
  ),
)
// @expect-error LockRequired<"MmapWriteOrDetached", "proc1">
run(attached.pipe(provide))

// Broken: a proof of another mmap lock scope (one that has ended) is no proof: the proof carries
// its scope's token, which cannot leave the scope (L5).
const stale = Core.mmapWriteLock(mm, (lock) =>
  // @expect-error L5: valid only inside the mmap lock scope that found it
  Effect.flatMap(Core.findVma(lock, addr), (vma) => Core.vmaStartWrite(vma, Core.detachVma(vma))),
)

// Broken: detaching needs the VMA write lock (L7, V7), so a proof cannot be had under read.
const underRead = Core.mmapReadLock(mm, (lock) =>
  Effect.flatMap(Core.findVma(lock, addr), (vma) =>
    Effect.flatMap(Core.detachVma(vma), (d) => Core.freePgtables(lock, addr, end, d)),
  ),
)
// @expect-error LockRequired<"MmapWriteLock", "proc1">
run(underRead.pipe(provide))

export { stale }

// F9's exception: unlink_anon_vmas clears the anon_vma of the detached VMA under the read lock.
const unlink = Core.mmapWriteDowngrade(mm, (lock) =>
  Core.downgradePhases(gather(lock), ({ vma, detached }) =>
    Effect.gen(function* () {
      if (!Core.Vma.hasKind(vma, "anonymous")) return
      const av = yield* Core.anonVmaOf(vma)
      yield* Core.anonVmaLockWrite(av, () => Core.unlinkAnonVmas(vma, detached))
    }),
  ),
)
run(unlink.pipe(provide))
// Without the detach proof the anon_vma of an attached VMA needs the write lock.
const attachedUnlink = Core.mmapWriteDowngrade(mm, (lock) =>
  Core.downgradePhases(Core.findVma(lock, addr), (vma) =>
    Effect.gen(function* () {
      if (!Core.Vma.hasKind(vma, "anonymous")) return
      const av = yield* Core.anonVmaOf(vma)
      yield* Core.anonVmaLockWrite(av, () => Core.clearAnonVma(vma))
    }),
  ),
)
// @expect-error LockRequired<"MmapWriteLock", "proc1">
run(attachedUnlink.pipe(provide))
