// Correct programs: munmap (both forms), mremap, mprotect, anon_vma_prepare, trylock, reclaim.
import * as Core from "@mmguard/core"
import { Kernel, Mm } from "@mmguard/core"
import { Effect } from "effect"

const mm = Mm.make("proc1")
declare const start: Core.Address.PageAddr
declare const end: Core.Address.PageAddr
declare const far: Core.Address.PageAddr
declare const kernel: Kernel.KernelShape

// munmap as the kernel does it (vms_complete_munmap_vmas, P7 rev 2): write-lock and detach the
// VMA under the mmap write lock, downgrade, then zap and free the page tables under the read
// lock, with the proof of the detach.
const munmap = Core.mmapWriteDowngrade(mm, (lock) =>
  Core.downgradePhases(
    Effect.gen(function* () {
      const vma = yield* Core.findVma(lock, start)
      const detached = yield* Core.vmaStartWrite(vma, Core.detachVma(vma))
      return { vma, detached }
    }),
    ({ vma, detached }) =>
      Effect.gen(function* () {
        yield* Core.zapRange(vma, start, end) // unmap_vmas
        yield* Core.freePgtables(lock, start, end, detached) // free_pgtables
      }),
  ),
)

// munmap without the downgrade: everything under the mmap write lock (P4, P7).
const munmapWrite = Core.mmapWriteLock(mm, (lock) =>
  Effect.gen(function* () {
    const vma = yield* Core.findVma(lock, start)
    yield* Core.vmaStartWrite(vma, Core.zapRange(vma, start, end))
    yield* Core.freePgtables(lock, start, end)
  }),
)

// mremap's move_page_tables: mmap write + VMA write + the rmap write locks of the VMA's kind
// (P14): take_rmap_locks takes i_mmap and/or the anon_vma, whatever the kind is.
const mremap = Core.mmapWriteLock(mm, (lock) =>
  Effect.gen(function* () {
    const vma = yield* Core.findVma(lock, start)
    yield* Core.vmaStartWrite(
      vma,
      Core.takeRmapLocks(vma, Core.movePageTables(vma, start, end, far)),
    )
  }),
)

// mprotect: vm_flags and vm_page_prot under mmap write + VMA write (F3).
const mprotect = Core.mmapWriteLock(mm, (lock) =>
  Effect.gen(function* () {
    const vma = yield* Core.findVma(lock, start)
    yield* Core.vmaStartWrite(
      vma,
      Effect.all([
        Core.writeVma(vma, "vm_flags", ["read"]),
        Core.writeVma(vma, "vm_page_prot", 1n),
      ]),
    )
  }),
)

// anon_vma_prepare on first fault: mmap read + mm->page_table_lock (F9).
const anonVmaPrepare = Core.mmapReadLock(mm, (lock) =>
  Effect.flatMap(Core.findVma(lock, start), (vma) =>
    Core.mmPageTableLock(mm, Core.setAnonVma(vma)),
  ),
)

// Trylock with a fallback; a handle used point-free.
const tryWalk = Core.mmapReadTrylock(
  mm,
  (lock) => Effect.flatMap(Core.findVma(lock, start), (vma) => Core.walk(vma, start)),
  Effect.succeed([]),
)
const readPointFree = Core.mmapReadLock(mm, (lock) =>
  Effect.flatMap(Core.findVma(lock, start), Core.readVma),
)

// Another mm's mmap lock inside (as dup_mmap nests the child's): not a recursion.
const child = Mm.make("proc2")
const nestedMms = Core.mmapWriteLock(mm, () => Core.mmapWriteLock(child, () => Effect.void))

const everything = Effect.all([
  munmap,
  munmapWrite,
  mremap,
  mprotect,
  anonVmaPrepare,
  tryWalk,
  readPointFree,
  nestedMms,
])
export const all = () => Effect.runPromise(everything.pipe(Effect.provide(Kernel.layer(kernel))))
