import { addr, Core, Effect, far, mm, pfn, provide, run, vma } from "./setup.js"

// Issue 12 point 3 (P8): the PTE lock names a table. pte_offset_map_lock hands its body the
// locked table, and entry operations take it.

// The table handle of one scope is not valid after pte_unmap_unlock.
// @expect-error P8: valid only until pte_unmap_unlock of the PTE lock that locked it
export const afterUnlock = Core.pteOffsetMapLock(vma, addr, (pte) => Effect.succeed(pte))

// A table mapped without its lock (pte_offset_map) can be read, not changed.
export const unlocked = Core.pteOffsetMap(vma, addr, (pte) =>
  // @expect-error P8: the lock of this PTE table is held (pte_offset_map_lock)
  Core.changeAccessDirty(pte, addr, { dirty: false }),
)

// PMD entries change under the PMD table's lock: retract_page_tables needs both handles.
export const retractNoPmd = Core.pteOffsetMapLock(vma, addr, (pte) =>
  // @expect-error Expected 2 arguments, but got 1
  Core.retractPteTable(pte),
)

// Correct: move_ptes holds the source table's lock and, nested, the destination's, changing
// entries of each through its own handle.
const moved = Core.mmapWriteLock(mm, () =>
  Core.pteOffsetMapLock(vma, addr, (src) =>
    Core.pteOffsetMapLockNested(vma, far, (dst) =>
      Effect.gen(function* () {
        const old = yield* Core.readPte(src, addr)
        yield* Core.changeAccessDirty(src, addr, { accessed: false })
        if (old.present) yield* Core.installPte(dst, far, pfn)
      }),
    ),
  ),
)
run(moved.pipe(provide))
