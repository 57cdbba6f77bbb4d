/**
 * VMA lock scopes (L2, L3, L11, V3, V8) and initial VMA setup (F2).
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import type { VirtAddr } from "./Address.js"
import type { Kernel, LockRequest } from "./Kernel.js"
import { type KernelError, VmaStartWriteInterrupted } from "./KernelError.js"
import type { Mm } from "./Mm.js"
import type { Acquires, ScopeLeaves, VmaReadViolations } from "./Order.js"
import type { Discharge, ObjectLocks, Requires } from "./Requirement.js"
import type { VmaKind } from "./Rules.js"
import { held, type InVmaReadScope, withKernel } from "./Scope.js"
import { handle, type Vma } from "./Vma.js"

/**
 * The body run with a VMA read-locked: generic in the lock's identity `S` (valid until
 * vma_end_read). The VMA's object locks end here too, as in an mmap lock scope (Locks.ts).
 */
export type VmaReadBody<Id extends string, K extends VmaKind, A, E, R> = <S>(
  vma: Vma<Id, InVmaReadScope<S>, K>,
) => Effect.Effect<A, E, R | InVmaReadScope<S> | ObjectLocks<InVmaReadScope<S>>>

/** The two cases a lock_vma_under_rcu caller must handle (L2): locked, or fall back. */
export interface LockVmaUnderRcuCases<Id extends string, A, E, R, A2, E2, R2> {
  /** Runs with the VMA read-locked; taking the mmap lock of this mm inside is an L9 violation. */
  readonly onLocked: VmaReadBody<Id, VmaKind, A, E, R>
  /** Runs when the optimistic lock failed (contended, write-locked, no VMA): usually mmap_read_lock. */
  readonly onFallback: () => Effect.Effect<A2, E2, R2>
}

/** Runs `onLocked` with the VMA the lock outcome reports, ending the read lock on every exit. */
const readLocked = (
  mm: Mm<string>,
  req: LockRequest,
  onLocked: (vma: Vma<string, unknown>) => Effect.Effect<unknown, unknown, unknown>,
  onFailed: () => Effect.Effect<unknown, unknown, unknown>,
) =>
  Effect.flatMap(
    withKernel((k) => k.lock(req)),
    (outcome) => {
      const info = outcome.vma
      if (!outcome.acquired || info === undefined) return onFailed()
      return Effect.ensuring(
        onLocked(handle(mm, info)),
        Effect.orDie(withKernel((k) => k.unlock({ ...req, vma: info.id }))),
      )
    },
  )

/**
 * lock_vma_under_rcu (L2, V3, V7): tries to read-lock the VMA covering `addr` without the mmap
 * lock. It can fail, so the caller must give the fallback path; vma_end_read runs on every
 * exit, and the handle is valid only until then.
 */
export const lockVmaUnderRcu = <Id extends string, A, E, R, A2, E2, R2>(
  mm: Mm<Id>,
  addr: VirtAddr,
  cases: LockVmaUnderRcuCases<Id, A, E, R, A2, E2, R2>,
): Effect.Effect<
  A | A2,
  E | E2 | KernelError,
  Discharge<R, "vma", "read", Id> | R2 | Kernel | VmaReadViolations<R, Id>
> =>
  readLocked(
    mm,
    { mm: mm.id, lock: "vma", mode: "read", attempt: "try", addr },
    cases.onLocked as never,
    cases.onFallback,
  ) as never

/** The two cases of vma_start_read_locked (V8): locked, or failed for a reason other than contention. */
export interface VmaStartReadLockedCases<
  Id extends string,
  K extends VmaKind,
  A,
  E,
  R,
  A2,
  E2,
  R2,
> {
  /** Runs with the VMA read-locked (it stays locked past the mmap lock's scope until vma_end_read). */
  readonly onLocked: VmaReadBody<Id, K, A, E, R>
  /** Runs when the lock failed (V8: the result must be checked). */
  readonly onFailed: () => Effect.Effect<A2, E2, R2>
}

/**
 * vma_start_read_locked (V8): read-locks `vma` for a caller holding the mmap read lock (L9's
 * allowed direction). It does not fail from contention but can still fail, so both cases are
 * required.
 */
export const vmaStartReadLocked = <Id extends string, T, K extends VmaKind, A, E, R, A2, E2, R2>(
  vma: Vma<Id, T, K>,
  cases: VmaStartReadLockedCases<Id, K, A, E, R, A2, E2, R2>,
): Effect.Effect<
  A | A2,
  E | E2 | KernelError,
  | Discharge<R, "vma", "read", Id>
  | R2
  | T
  | Requires<"vmaStartReadLocked", Id>
  | Kernel
  | VmaReadViolations<R, Id>
> =>
  readLocked(
    vma.mm,
    {
      mm: vma.mm.id,
      lock: "vma",
      mode: "read",
      attempt: "try",
      vma: vma.info.id,
      addr: vma.info.start,
    },
    cases.onLocked as never,
    cases.onFailed,
  ) as never

/** The type of a VMA write lock scope on `vma` (token `T`) of mm `Id` around `Effect<A, E, R>`. */
export type VmaWriteScoped<
  A,
  E,
  R,
  T,
  Id extends string,
  Op extends "vmaStartWrite",
> = Effect.Effect<
  A,
  E | KernelError,
  | ScopeLeaves<R, "vma", "write", Id, "vma_lock">
  | Requires<Op, Id>
  | T
  | Kernel
  | Acquires<"vma_lock", Id>
>

/**
 * vma_start_write (L3, V1, V4): write-locks `vma` for `body`. Needs the mmap write lock; there
 * is no vma_end_write, so the lock lasts until the mmap write lock is released or downgraded.
 */
export const vmaStartWrite = <Id extends string, T, K extends VmaKind, A, E, R>(
  vma: Vma<Id, T, K>,
  body: Effect.Effect<A, E, R>,
): VmaWriteScoped<A, E, R, T, Id, "vmaStartWrite"> =>
  Effect.flatMap(
    withKernel((k) => k.lock({ mm: vma.mm.id, lock: "vma", mode: "write", vma: vma.info.id })),
    () => body,
  ) as never

/**
 * vma_start_write_killable (L11): like vmaStartWrite, but a fatal signal interrupts the wait:
 * the effect then fails with `VmaStartWriteInterrupted` (-EINTR), the VMA is not write-locked
 * and the mmap write lock is still held. The mmap write lock scope does not compile until the
 * caller handles it.
 */
export const vmaStartWriteKillable = <Id extends string, T, K extends VmaKind, A, E, R>(
  vma: Vma<Id, T, K>,
  body: Effect.Effect<A, E, R>,
): Effect.Effect<
  A,
  E | KernelError | VmaStartWriteInterrupted,
  | ScopeLeaves<R, "vma", "write", Id, "vma_lock">
  | Requires<"vmaStartWriteKillable", Id>
  | T
  | Kernel
  | Acquires<"vma_lock", Id>
> =>
  Effect.flatMap(
    Effect.catchTag(
      withKernel((k) =>
        k.lock({
          mm: vma.mm.id,
          lock: "vma",
          mode: "write",
          vma: vma.info.id,
          attempt: "killable",
        }),
      ),
      "Killed",
      () => Effect.fail(new VmaStartWriteInterrupted({ rule: "L11", errno: "EINTR" })),
    ),
    () => body,
  ) as never

/**
 * Initial setup of a new VMA of `mm`, before it is visible (F2): the only place where vm_mm,
 * vm_file and vm_ops may be written.
 */
export const vmaSetup = <Id extends string, A, E, R>(
  mm: Mm<Id>,
  body: Effect.Effect<A, E, R>,
): Effect.Effect<A, E | KernelError, Discharge<R, "vmaSetup", "held", Id> | Kernel> =>
  held({ mm: mm.id, lock: "vmaSetup", mode: "held" }, body) as never
