import { addr, Core, Effect, end, mm, provide, run, vma } from "./setup.js"

// Issue 12 point 7, the rest of rev 2.

// GUP-fast (P13, P16): a lockless walk inside RCU.
run(Core.rcuReadLock(Core.walkLockless(mm, addr)).pipe(provide))
// @expect-error LockRequired<"RcuReadLock", "proc1">
run(Core.walkLockless(mm, addr).pipe(provide))

// pte_offset_map without the lock, for readers (P10): reads only.
const reader = Core.mmapReadLock(mm, (lock) =>
  Effect.flatMap(Core.findVma(lock, addr), (v) =>
    Core.pteOffsetMap(v, addr, (pte) => Core.readPte(pte, addr)),
  ),
)
run(reader.pipe(provide))

// vma_start_read_locked (V8): under the mmap read lock; it can fail, so both cases are given.
const readLocked = Core.mmapReadLock(mm, (lock) =>
  Effect.flatMap(Core.findVma(lock, addr), (v) =>
    Core.vmaStartReadLocked(v, {
      onLocked: (locked) => Core.readVma(locked),
      onFailed: () => Effect.void,
    }),
  ),
)
run(readLocked.pipe(provide))
const noMmapLock = Core.vmaStartReadLocked(vma, {
  onLocked: (locked) => Core.readVma(locked),
  onFailed: () => Effect.void,
})
// @expect-error LockRequired<"MmapReadLock", "proc1">
run(noMmapLock.pipe(provide))
// @expect-error onFailed
export const unchecked = Core.vmaStartReadLocked(vma, { onLocked: () => Effect.void })

// vma_start_write_killable (L11): -EINTR is in the error channel and must be handled.
const killable = Core.mmapWriteLock(mm, () =>
  Core.vmaStartWriteKillable(vma, Core.writeVma(vma, "vm_flags", [])).pipe(
    Effect.catchTag("VmaStartWriteInterrupted", () => Effect.void),
  ),
)
run(killable.pipe(provide))
const unhandled = Core.mmapWriteLock(mm, () =>
  Core.vmaStartWriteKillable(vma, Core.writeVma(vma, "vm_flags", [])),
)
// @expect-error L11: vma_start_write_killable can fail with -EINTR
run(unhandled.pipe(provide))

// P6 rev 2: user page tables no VMA covers need the mmap WRITE lock (walk_page_range_debug)...
run(Core.mmapWriteLock(mm, (lock) => Core.walkPageRangeDebug(lock, addr, end)).pipe(provide))
const debugUnderRead = Core.mmapReadLock(mm, (lock) => Core.walkPageRangeDebug(lock, addr, end))
// @expect-error LockRequired<"MmapWriteLock", "proc1">
run(debugUnderRead.pipe(provide))
// ...kernel page tables init_mm's mmap lock (walk_kernel_page_table_range), no other mm's.
run(
  Core.mmapReadLock(Core.Mm.initMm, (lock) => Core.walkKernelPageTableRange(lock, addr, end)).pipe(
    provide,
  ),
)
export const wrongMm = Core.mmapReadLock(mm, (lock) =>
  // @expect-error '"proc1"' is not assignable to type '"init_mm"'
  Core.walkKernelPageTableRange(lock, addr, end),
)

// V7: munmap frees the detached VMA object (vm_area_free), a new mmap may get it (mmap_region).
const reuse = Core.mmapWriteLock(mm, (lock) =>
  Effect.gen(function* () {
    const v = yield* Core.findVma(lock, addr)
    const detached = yield* Core.vmaStartWrite(v, Core.detachVma(v))
    yield* Core.vmAreaFree(detached)
    yield* Core.mmapRegion(lock, addr, end)
  }),
)
run(reuse.pipe(provide))
const mapUnderRead = Core.mmapReadLock(mm, (lock) => Core.mmapRegion(lock, addr, end))
// @expect-error LockRequired<"MmapWriteLock", "proc1">
run(mapUnderRead.pipe(provide))

// P16: a table mapped under RCU without its lock (pte_offset_map_rw_nolock) is changed only
// after pteLockRevalidate took its lock and re-checked the PMD entry.
const faultAround = Core.mmapReadLock(mm, (lock) =>
  Effect.flatMap(Core.findVma(lock, addr), (v) =>
    Core.pteOffsetMapRwNolock(v, addr, {
      onMapped: (mapped) =>
        Core.pteLockRevalidate(mapped, {
          onLocked: (pte) => Core.installNewPage(pte, addr),
          onChanged: () => Effect.void,
        }),
      onNone: () => Effect.void,
    }),
  ),
)
run(faultAround.pipe(provide))
export const unlockedChange = Core.mmapReadLock(mm, (lock) =>
  Effect.flatMap(Core.findVma(lock, addr), (v) =>
    Core.pteOffsetMapRwNolock(v, addr, {
      onMapped: (mapped) => {
        // @expect-error P8: the lock of this PTE table is held (pte_offset_map_lock)
        const pte: Core.LockedPte<"proc1", never> = mapped
        return Core.installNewPage(pte, addr)
      },
      onNone: () => Effect.void,
    }),
  ),
)

// P17: PT reclaim frees an emptied table under the PMD and PTE locks.
const dontneed = Core.mmapReadLock(mm, (lock) =>
  Effect.flatMap(Core.findVma(lock, addr), (v) =>
    Core.pmdLock(v, addr, (pmd) =>
      Core.pteOffsetMapLock(v, addr, (pte) => Core.reclaimPteTable(pmd, pte)),
    ),
  ),
)
run(dontneed.pipe(provide))
