/**
 * The kernel paths scheduler puzzles run. Most are sim's scenario library's (by scenario,
 * variant and task name, or its `Scenarios.paths` programs), so a path is written once; the few
 * the library does not have are written here the same way, as core programs compiled by sim.
 * A buggy form core's types reject carries the `@ts-expect-error` naming what is missing (the
 * tutor's typecheck proves the rejection) and is compiled anyway, so the game can play it.
 */
import { type Compile, type Program, Scenarios, type WorldSpec } from "@mmguard/sim"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import { ANON, FILE } from "./steps.js"

const { api, anonVmaOfAnon, libfoo, mm, page, pgoff } = Scenarios.kernel
const {
  anonVmaIntervalTreeForeach,
  anonVmaLockRead,
  anonVmaLockWrite,
  anonVmaOf,
  detachVma,
  downgradePhases,
  findVma,
  folioAnonVma,
  freePgtables,
  iMmapLockRead,
  iMmapLockWrite,
  mmapReadLock,
  mmapWriteDowngrade,
  mmapWriteLock,
  pmdLock,
  pteOffsetMapLock,
  readPte,
  readVma,
  reclaimPteTable,
  vmaIntervalTreeForeach,
  vmaStartWrite,
  walk,
  writeVma,
  zapRange,
} = api

/**
 * A puzzle names a scenario, variant or task sim's library does not have: a defect of the
 * puzzle, thrown when its world is first built (the tests build every one).
 */
export class MissingLibraryTask extends Data.TaggedError("MissingLibraryTask")<{
  readonly scenario: string
  readonly name: string | undefined
  readonly variant: string | undefined
}> {}

/** The world of sim's scenario `scenario` (its variant `variant` when given). */
export const libraryWorld = (scenario: string, variant?: string): WorldSpec => {
  const s = Scenarios.all.find((x) => x.id === scenario)
  const spec = variant === undefined ? s?.spec : s?.variants.find((v) => v.id === variant)?.spec
  if (spec === undefined) throw new MissingLibraryTask({ scenario, name: undefined, variant })
  return spec
}

/** The task named `name` in sim's scenario `scenario` (its variant `variant` when given). */
export const libraryTask = (scenario: string, name: string, variant?: string): Program.TaskSpec => {
  const t = libraryWorld(scenario, variant).tasks.find((x) => x.name === name)
  if (t === undefined) throw new MissingLibraryTask({ scenario, name, variant })
  return t
}

/**
 * munmap of the VMA [start, end) that keeps the mmap write lock throughout (do_vmi_munmap with
 * `unlock` false, as mmap_region and mremap call it): the VMA write-locked and detached, its
 * range zapped and its tables freed (L3, V7, P4, P7).
 */
export const munmapLocked = (start: number, end: number): Compile.Program =>
  mmapWriteLock(mm, (lock) =>
    Effect.gen(function* () {
      const vma = yield* findVma(lock, page(start))
      yield* vmaStartWrite(vma, detachVma(vma))
      yield* zapRange(vma, page(start), page(end))
      yield* freePgtables(lock, page(start), page(end))
    }),
  )

/** The same munmap detaching the anonymous VMA without its write lock: readers keep it (L3). */
// @ts-expect-error LockRequired<"VmaWriteLock", "proc">
export const munmapNoVmaWrite: Compile.Program = mmapWriteLock(mm, (lock) =>
  Effect.gen(function* () {
    const vma = yield* findVma(lock, page(512))
    yield* detachVma(vma)
    yield* zapRange(vma, page(512), page(1024))
    yield* freePgtables(lock, page(512), page(1024))
  }),
)

/**
 * A munmap of the anonymous VMA that downgrades at once and detaches under the read lock:
 * the downgrade ended every VMA write lock (V2), so the detach excludes no reader (V5, P7).
 */
// @ts-expect-error LockRequired<"MmapWriteLock", "proc">
export const munmapEarlyDowngrade: Compile.Program = mmapWriteDowngrade(mm, (lock) =>
  downgradePhases(Effect.void, () =>
    Effect.gen(function* () {
      const vma = yield* findVma(lock, page(512))
      const detached = yield* detachVma(vma)
      yield* zapRange(vma, page(512), page(1024))
      yield* freePgtables(lock, page(512), page(1024), detached)
    }),
  ),
)

/** mprotect as a read-modify-write of vm_flags under the mmap write lock and the VMA's (F3). */
export const mprotectRmw: Compile.Program = mmapWriteLock(mm, (lock) =>
  Effect.flatMap(findVma(lock, page(ANON)), (vma) =>
    vmaStartWrite(
      vma,
      Effect.flatMap(readVma(vma), () => writeVma(vma, "vm_flags", ["read"])),
    ),
  ),
)

/** The same under the mmap read lock: two of them run at once and one write is lost (F3). */
// @ts-expect-error LockRequired<"MmapWriteLock", "proc">
export const mprotectRmwRead: Compile.Program = mmapReadLock(mm, (lock) =>
  Effect.flatMap(findVma(lock, page(ANON)), (vma) =>
    Effect.flatMap(readVma(vma), () => writeVma(vma, "vm_flags", ["read"])),
  ),
)

/**
 * A file mremap's locking (move_vma): mmap write, the VMA write lock, then i_mmap write
 * (take_rmap_locks, O1's order), and the tables walked there.
 */
export const fileRemapLocks: Compile.Program = mmapWriteLock(mm, (lock) =>
  Effect.flatMap(findVma(lock, page(FILE)), (vma) =>
    vmaStartWrite(
      vma,
      iMmapLockWrite(libfoo, () => walk(vma, page(FILE))),
    ),
  ),
)

/** A write path faulting user pages, in O1's order: the mmap lock, then i_mmap. */
export const writerInOrder: Compile.Program = mmapReadLock(mm, () =>
  iMmapLockWrite(libfoo, () => Effect.void),
)

/**
 * Truncation with PT_RECLAIM: unmap_mapping_range zaps libfoo's range in each VMA mapping it
 * (P4) and frees the PTE table the zap emptied, under the PMD and PTE locks, after an RCU grace
 * period (P17).
 */
export const zapReclaim: Compile.Program = iMmapLockRead(libfoo, (locked) =>
  vmaIntervalTreeForeach(locked, pgoff(2048), pgoff(2559), (vma) =>
    Effect.andThen(
      zapRange(vma, page(2048), page(2560)),
      pmdLock(vma, page(2048), (pmd) =>
        pteOffsetMapLock(vma, page(2048), (pte) => reclaimPteTable(pmd, pte)),
      ),
    ),
  ),
)

/**
 * memory_failure's collect_procs_anon for page 600: the folio's anon_vma read-locked, and in
 * each VMA mapping it the PTE read under the PTE lock (O4).
 */
export const collectProcs: Compile.Program = anonVmaLockRead(
  folioAnonVma(anonVmaOfAnon),
  (locked) =>
    anonVmaIntervalTreeForeach(locked, pgoff(ANON), pgoff(ANON), (vma) =>
      pteOffsetMapLock(vma, page(ANON), (pte) => readPte(pte, page(ANON))),
    ),
)

/** A path ageing page 600 under its PTE lock, the anon_vma lock taken first (O1). */
export const ager: Compile.Program = mmapReadLock(mm, (lock) =>
  Effect.gen(function* () {
    const vma = yield* findVma(lock, page(ANON))
    if (!api.Vma.hasKind(vma, "anonymous")) return
    const av = yield* anonVmaOf(vma)
    yield* anonVmaLockWrite(av, () =>
      pteOffsetMapLock(vma, page(ANON), (pte) =>
        api.changeAccessDirty(pte, page(ANON), { accessed: false }),
      ),
    )
  }),
)

/** The same taking the anon_vma lock inside the PTE lock: against O1's order (O3). */
// @ts-expect-error O3: lock inversion: anon_vma_rwsem is taken before page_table_lock
export const agerInverted: Compile.Program = mmapReadLock(mm, (lock) =>
  Effect.gen(function* () {
    const vma = yield* findVma(lock, page(ANON))
    if (!api.Vma.hasKind(vma, "anonymous")) return
    const av = yield* anonVmaOf(vma)
    yield* pteOffsetMapLock(vma, page(ANON), (pte) =>
      anonVmaLockWrite(av, () => api.changeAccessDirty(pte, page(ANON), { accessed: false })),
    )
  }),
)
