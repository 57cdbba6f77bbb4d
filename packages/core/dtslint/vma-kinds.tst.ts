import {
  addr,
  anonVma,
  anonVmaLock,
  Core,
  Effect,
  end,
  far,
  mapping,
  mm,
  privateFileAnonVma,
  provide,
  run,
} from "./setup.js"

// Issue 12 point 4 (P14, F1): which rmap locks a VMA needs depends on its kind.

// An anonymous VMA's page tables moved holding only an i_mmap lock: its anon_vma is missing.
const anonUnderIMmap = Core.mmapWriteLock(mm, () =>
  Core.vmaStartWrite(
    anonVma,
    Core.iMmapLockWrite(mapping, () => Core.movePageTables(anonVma, addr, end, far)),
  ),
)
// @expect-error LockRequired<"AnonVmaWriteLock", "proc1">
run(anonUnderIMmap.pipe(provide))

// A private file mapping with COW pages sits in both trees: i_mmap alone is not enough (F1).
const privateUnderIMmap = Core.mmapWriteLock(mm, () =>
  Core.vmaStartWrite(
    privateFileAnonVma,
    Core.iMmapLockWrite(mapping, () => Core.writeVma(privateFileAnonVma, "vm_end", 0n)),
  ),
)
// @expect-error LockRequired<"AnonVmaWriteLock", "proc1">
run(privateUnderIMmap.pipe(provide))

// A shared file mapping is reached through i_mmap: an anon_vma lock is not its rmap lock.
declare const sharedVma: Core.Vma.Vma<"proc1", never, "sharedFile">
const sharedUnderAnon = Core.mmapWriteLock(mm, () =>
  Core.vmaStartWrite(
    sharedVma,
    Core.anonVmaLockWrite(anonVmaLock, () => Core.movePageTables(sharedVma, addr, end, far)),
  ),
)
// @expect-error LockRequired<"IMmapWriteLock", "proc1">
run(sharedUnderAnon.pipe(provide))

// Only file VMAs have an address_space, only anonymous-backed ones an anon_vma.
// @expect-error not assignable to parameter of type 'Vma<"proc1", never, FileKind>'
export const noMapping = Core.fileMapping(anonVma)
// @expect-error not assignable to parameter of type 'Vma<"proc1", never, AnonKind>'
export const noAnonVma = Core.anonVmaOf(sharedVma)

// Correct: mremap of a private file mapping narrows the kind the kernel reports, then takes
// i_mmap and the anon_vma as take_rmap_locks does (O2: i_mmap_rwsem before anon_vma).
const mremapPrivateFile = Core.mmapWriteLock(mm, (lock) =>
  Effect.gen(function* () {
    const vma = yield* Core.findVma(lock, addr)
    if (!Core.Vma.hasKind(vma, "privateFileAnon")) return
    const av = yield* Core.anonVmaOf(vma)
    yield* Core.vmaStartWrite(
      vma,
      Core.iMmapLockWrite(Core.fileMapping(vma), () =>
        Core.anonVmaLockWrite(av, () => Core.movePageTables(vma, addr, end, far)),
      ),
    )
  }),
)
run(mremapPrivateFile.pipe(provide))
