// Correct programs: munmap, mremap, mprotect, anon_vma_prepare, downgrade and trylock.
import * as Core from "@mmguard/core"
import { Kernel, Mm } from "@mmguard/core"
import { Effect } from "effect"

const mm = Mm.make("proc1")
declare const start: Core.Address.PageAddr
declare const end: Core.Address.PageAddr
declare const far: Core.Address.PageAddr
declare const kernel: Kernel.KernelShape

// munmap: mmap write, VMA write, zap, unlink from the rmap, free_pgtables (P4, P7, F1).
const munmap = Core.mmapWriteLock(
  mm,
  Effect.gen(function* () {
    // Looked up under the write lock: the handle's type says so.
    const vma: Core.Vma.Vma<"proc1", "mmap", "write"> = yield* Core.findVma(mm, start, {
      via: "mmap",
      mode: "write",
    })
    yield* Core.vmaStartWrite(vma, Core.zapRange(vma, start, end))
    yield* Core.freePgtables(mm, start, end)
  }),
)

// mremap's move_page_tables: mmap write + VMA write + rmap write (P14).
const mremap = Core.mmapWriteLock(
  mm,
  Effect.gen(function* () {
    const vma = yield* Core.findVma(mm, start)
    yield* Core.vmaStartWrite(
      vma,
      Core.iMmapLockWrite(vma, Core.movePageTables(vma, start, end, far)),
    )
  }),
)

// mprotect: vm_flags and vm_page_prot under mmap write + VMA write (F3).
const mprotect = Core.mmapWriteLock(
  mm,
  Effect.gen(function* () {
    const vma = yield* Core.findVma(mm, start)
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
const anonVmaPrepare = Core.mmapReadLock(
  mm,
  Effect.flatMap(Core.findVma(mm, start), (vma) => Core.mmPageTableLock(mm, Core.setAnonVma(vma))),
)

// Downgrade: write the VMA, then keep reading it under the downgraded lock (V5).
const downgraded = Core.mmapWriteDowngrade(
  mm,
  Effect.flatMap(Core.findVma(mm, start), (vma) =>
    Core.vmaStartWrite(vma, Effect.as(Core.writeVma(vma, "vm_flags", []), vma)),
  ),
  (vma) => Core.readVma(vma),
)

// Trylock with a fallback, and reclaim changing A/D bits under the rmap lock alone (P5).
const tryWalk = Core.mmapReadTrylock(
  mm,
  Effect.flatMap(Core.findVma(mm, start), (vma) => Core.walk(vma, start)),
  Effect.succeed([]),
)
declare const fileVma: Core.Vma.Vma<"proc1", "rmap">
const reclaim = Core.iMmapLockRead(
  fileVma,
  Core.pteOffsetMapLock(
    fileVma,
    start,
    Core.changeAccessDirty(fileVma, start, { accessed: false }),
  ),
)

const everything = Effect.all([
  munmap,
  mremap,
  mprotect,
  anonVmaPrepare,
  downgraded,
  tryWalk,
  reclaim,
])
export const all = () => Effect.runPromise(everything.pipe(Effect.provide(Kernel.layer(kernel))))
