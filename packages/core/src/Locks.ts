/**
 * Lock scopes, named after the kernel functions. Each takes the lock through the kernel
 * service, runs the body with the lock's requirements discharged from its `R` (computed from
 * the rule table) and releases the lock on every exit: success, failure or interruption.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type { VirtAddr } from "./Address.js"
import { type Attempt, Kernel, type KernelShape, type LockRequest } from "./Kernel.js"
import type { KernelError } from "./KernelError.js"
import type { Mm } from "./Mm.js"
import type { Discharge, MmapLockTaken, NoMmapLockInside, Requires } from "./Requirement.js"
import type { LockKind, LockMode } from "./Rules.js"
import { handle, type Vma } from "./Vma.js"

const withKernel = <A, E>(f: (k: KernelShape) => Effect.Effect<A, E>) =>
  Effect.flatMap(Effect.service(Kernel), f)

/** Takes `req`, runs `body`, releases `req` whatever happens. */
const held = <A, E, R>(req: LockRequest, body: Effect.Effect<A, E, R>) =>
  Effect.acquireUseRelease(
    withKernel((k) => k.lock(req)),
    () => body,
    () => withKernel((k) => k.unlock(req)),
  )

/** The type of a scope of lock `L` in mode `M` on mm `Id` around a body `Effect<A, E, R>`. */
export type Scoped<
  A,
  E,
  R,
  L extends LockKind,
  M extends LockMode,
  Id extends string,
> = Effect.Effect<A, E | KernelError, Discharge<R, L, M, Id> | Kernel>

/** The type of an mmap lock scope in mode `M` on mm `Id` around `Effect<A, E, R>`. */
export type MmapScoped<A, E, R, M extends "read" | "write", Id extends string> = Effect.Effect<
  A,
  E | KernelError,
  Discharge<R, "mmap", M, Id> | Kernel | MmapLockTaken<Id>
>

const mmapScope =
  <M extends "read" | "write">(mode: M, attempt: Attempt) =>
  <Id extends string, A, E, R>(
    mm: Mm<Id>,
    body: Effect.Effect<A, E, R>,
  ): MmapScoped<A, E, R, M, Id> =>
    held({ mm: mm.id, lock: "mmap", mode, attempt }, body) as never

/** mmap_read_lock: the mmap lock in read mode around `body` (L1). */
export const mmapReadLock = mmapScope("read", "block")

/** mmap_write_lock: the mmap lock in write mode around `body` (L1); its release ends every VMA write lock (V2). */
export const mmapWriteLock = mmapScope("write", "block")

/** mmap_read_lock_killable: like mmapReadLock, but fails with `Killed` if the task is killed. */
export const mmapReadLockKillable = mmapScope("read", "killable")

/** mmap_write_lock_killable: like mmapWriteLock, but fails with `Killed` if the task is killed. */
export const mmapWriteLockKillable = mmapScope("write", "killable")

const trylock = <Id extends string, A, E, R, A2, E2, R2>(
  req: LockRequest,
  body: Effect.Effect<A, E, R>,
  onBusy: Effect.Effect<A2, E2, R2>,
) =>
  Effect.flatMap(
    withKernel((k) => k.lock({ ...req, attempt: "try" })),
    (outcome): Effect.Effect<A | A2, E | E2 | KernelError, R | R2 | Kernel | MmapLockTaken<Id>> =>
      outcome.acquired
        ? Effect.ensuring(body, Effect.orDie(withKernel((k) => k.unlock(req))))
        : onBusy,
  )

/** mmap_read_trylock: runs `body` under the read lock if it is free at once, else `onBusy`. */
export const mmapReadTrylock = <Id extends string, A, E, R, A2, E2, R2>(
  mm: Mm<Id>,
  body: Effect.Effect<A, E, R>,
  onBusy: Effect.Effect<A2, E2, R2>,
): Effect.Effect<
  A | A2,
  E | E2 | KernelError,
  Discharge<R, "mmap", "read", Id> | R2 | Kernel | MmapLockTaken<Id>
> => trylock({ mm: mm.id, lock: "mmap", mode: "read" }, body, onBusy) as never

/** mmap_write_trylock: runs `body` under the write lock if it is free at once, else `onBusy`. */
export const mmapWriteTrylock = <Id extends string, A, E, R, A2, E2, R2>(
  mm: Mm<Id>,
  body: Effect.Effect<A, E, R>,
  onBusy: Effect.Effect<A2, E2, R2>,
): Effect.Effect<
  A | A2,
  E | E2 | KernelError,
  Discharge<R, "mmap", "write", Id> | R2 | Kernel | MmapLockTaken<Id>
> => trylock({ mm: mm.id, lock: "mmap", mode: "write" }, body, onBusy) as never

/**
 * mmap_write_lock, then mmap_write_downgrade between two phases (V5): `writePhase` runs with
 * the write lock, `readPhase` with the downgraded read lock; every VMA write lock ends at the
 * downgrade (V2). The read lock is released on every exit.
 */
export const mmapWriteDowngrade = <Id extends string, A, E, R, A2, E2, R2>(
  mm: Mm<Id>,
  writePhase: Effect.Effect<A, E, R>,
  readPhase: (a: A) => Effect.Effect<A2, E2, R2>,
): Effect.Effect<
  A2,
  E | E2 | KernelError,
  Discharge<R, "mmap", "write", Id> | Discharge<R2, "mmap", "read", Id> | Kernel | MmapLockTaken<Id>
> => {
  let mode: "read" | "write" = "write"
  return Effect.acquireUseRelease(
    withKernel((k) => k.lock({ mm: mm.id, lock: "mmap", mode: "write" })),
    () =>
      Effect.flatMap(writePhase, (a) =>
        Effect.flatMap(
          withKernel((k) => k.downgrade(mm.id)),
          () => {
            mode = "read"
            return readPhase(a)
          },
        ),
      ),
    () => withKernel((k) => k.unlock({ mm: mm.id, lock: "mmap", mode })),
  ) as never
}

/** The two cases a lock_vma_under_rcu caller must handle (L2): locked, or fall back. */
export interface LockVmaUnderRcuCases<Id extends string, A, E, R, A2, E2, R2> {
  /** Runs with the VMA read-locked; must not take the mmap lock of this mm (L9). */
  readonly onLocked: (
    vma: Vma<Id, "vma", "read">,
  ) => Effect.Effect<A, E, R> & NoMmapLockInside<R, Id>
  /** Runs when the optimistic lock failed (contended, write-locked, no VMA): usually mmap_read_lock. */
  readonly onFallback: () => Effect.Effect<A2, E2, R2>
}

/**
 * lock_vma_under_rcu (L2, V3): tries to read-lock the VMA covering `addr` without the mmap
 * lock. It can fail, so the caller must give the fallback path; vma_end_read runs on every exit.
 */
export const lockVmaUnderRcu = <Id extends string, A, E, R, A2, E2, R2>(
  mm: Mm<Id>,
  addr: VirtAddr,
  cases: LockVmaUnderRcuCases<Id, A, E, R, A2, E2, R2>,
): Effect.Effect<A | A2, E | E2 | KernelError, Discharge<R, "vma", "read", Id> | R2 | Kernel> => {
  const req: LockRequest = { mm: mm.id, lock: "vma", mode: "read", attempt: "try", addr }
  return Effect.flatMap(
    withKernel((k) => k.lock(req)),
    (outcome): Effect.Effect<unknown, unknown, unknown> => {
      const info = outcome.vma
      if (!outcome.acquired || info === undefined) return cases.onFallback()
      return Effect.ensuring(
        cases.onLocked(handle(mm, { via: "vma", mode: "read" }, info)),
        Effect.orDie(withKernel((k) => k.unlock({ ...req, vma: info.id }))),
      )
    },
  ) as never
}

/**
 * vma_start_write (L3, V1, V4): write-locks `vma` for `body`. Needs the mmap write lock; there
 * is no vma_end_write, so the lock lasts until the mmap write lock is released or downgraded.
 */
export const vmaStartWrite = <Id extends string, A, E, R>(
  vma: Vma<Id>,
  body: Effect.Effect<A, E, R>,
): Effect.Effect<
  A,
  E | KernelError,
  Discharge<R, "vma", "write", Id> | Requires<"vmaStartWrite", Id> | Kernel
> =>
  Effect.flatMap(
    withKernel((k) => k.lock({ mm: vma.mm.id, lock: "vma", mode: "write", vma: vma.info.id })),
    () => body,
  ) as never

const vmaScope =
  <L extends LockKind, M extends LockMode>(lock: L, mode: M) =>
  <Id extends string, A, E, R>(
    vma: Vma<Id>,
    body: Effect.Effect<A, E, R>,
    addr?: bigint,
  ): Effect.Effect<A, E | KernelError, Discharge<R, L, M, Id> | Kernel> =>
    held(
      addr === undefined
        ? { mm: vma.mm.id, lock, mode, vma: vma.info.id }
        : { mm: vma.mm.id, lock, mode, vma: vma.info.id, addr },
      body,
    ) as never

/** anon_vma_lock_read: the VMA's anon_vma rwsem in read mode (L4). */
export const anonVmaLockRead = vmaScope("anonVma", "read")
/** anon_vma_lock_write: the VMA's anon_vma rwsem in write mode (L4). */
export const anonVmaLockWrite = vmaScope("anonVma", "write")
/** i_mmap_lock_read: the file's i_mmap_rwsem in read mode (L4). */
export const iMmapLockRead = vmaScope("iMmap", "read")
/** i_mmap_lock_write: the file's i_mmap_rwsem in write mode (L4). */
export const iMmapLockWrite = vmaScope("iMmap", "write")

/** pmd_lock: the split lock of the PMD table mapping `addr` (P9). */
export const pmdLock = <Id extends string, A, E, R>(
  vma: Vma<Id>,
  addr: VirtAddr,
  body: Effect.Effect<A, E, R>,
) => vmaScope("pmdLock", "held")(vma, body, addr)

/**
 * pte_offset_map_lock (P10, P11): maps the PTE table of `addr` inside RCU, takes its lock and
 * re-checks the PMD entry (retrying if it changed); pte_unmap_unlock on every exit.
 */
export const pteOffsetMapLock = <Id extends string, A, E, R>(
  vma: Vma<Id>,
  addr: VirtAddr,
  body: Effect.Effect<A, E, R>,
) => vmaScope("pteLock", "held")(vma, body, addr)

/** spin_lock(&mm->page_table_lock) (P9, F9). */
export const mmPageTableLock = <Id extends string, A, E, R>(
  mm: Mm<Id>,
  body: Effect.Effect<A, E, R>,
): Effect.Effect<A, E | KernelError, Discharge<R, "pageTableLock", "held", Id> | Kernel> =>
  held({ mm: mm.id, lock: "pageTableLock", mode: "held" }, body) as never

/** rcu_read_lock / rcu_read_unlock around `body` (P10). RCU is global: it serves every mm. */
export const rcuReadLock = <A, E, R>(
  body: Effect.Effect<A, E, R>,
): Effect.Effect<A, E | KernelError, Discharge<R, "rcu", "held", string> | Kernel> =>
  held({ mm: "", lock: "rcu", mode: "held" }, body) as never

/**
 * Initial setup of a new VMA of `mm`, before it is visible (F2): the only place where vm_mm,
 * vm_file and vm_ops may be written.
 */
export const vmaSetup = <Id extends string, A, E, R>(
  mm: Mm<Id>,
  body: Effect.Effect<A, E, R>,
): Effect.Effect<A, E | KernelError, Discharge<R, "vmaSetup", "held", Id> | Kernel> =>
  held({ mm: mm.id, lock: "vmaSetup", mode: "held" }, body) as never
