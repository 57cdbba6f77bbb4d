/**
 * mmap lock scopes, named after the kernel functions. Each takes the lock through the kernel
 * service, runs the body with a fresh guard (its scope identity, see Scope.ts) and the lock's
 * requirements discharged from its `R` (computed from the rule table), and releases the lock on
 * every exit: success, failure or interruption. A body that takes the mmap lock of the same mm
 * again (L10) or a lock the ordering puts before it (O3), or lets -EINTR of
 * vma_start_write_killable escape (L11), leaves a violation naming the rule in `R`.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type { Attempt, Kernel, LockRequest } from "./Kernel.js"
import type { KernelError, VmaStartWriteInterrupted } from "./KernelError.js"
import type { Mm } from "./Mm.js"
import type { Acquires, MmapViolations } from "./Order.js"
import type { Discharge, ObjectLocks } from "./Requirement.js"
import {
  bound,
  held,
  type InMmapLockScope,
  type InNestedMmapLockScope,
  type MmapScopeToken,
  type ScopeBound,
  withKernel,
} from "./Scope.js"

/** An mmap lock mode. */
export type MmapMode = "read" | "write"

/**
 * The guard of one mmap lock scope of mm `Id` in mode `M`; `S` is that scope's identity and `T`
 * its token (`InMmapLockScope<S>`, or for mmapWriteLockNested `InNestedMmapLockScope<S>`). VMAs
 * looked up with it (`findVma`) are valid only inside the scope.
 */
export interface MmapLock<
  Id extends string,
  M extends MmapMode,
  S,
  T extends MmapScopeToken = InMmapLockScope<S>,
> {
  readonly _tag: "MmapLock"
  readonly mm: Mm<Id>
  readonly mode: M
  readonly "L5: valid only inside the mmap lock scope that found it": ScopeBound<S>
  readonly token: T
}

const guard = <Id extends string, M extends MmapMode>(mm: Mm<Id>, mode: M) => ({
  _tag: "MmapLock" as const,
  mm,
  mode,
  "L5: valid only inside the mmap lock scope that found it": bound(),
  token: {} as never,
})

/** A body that lets -EINTR of vma_start_write_killable escape its mmap lock scope (L11). */
export type L11UnhandledEintr =
  "L11: vma_start_write_killable can fail with -EINTR: handle VmaStartWriteInterrupted inside the mmap write lock scope"

/** The L11 violation when `E` carries an unhandled -EINTR. */
export type EintrUnhandled<E> = [Extract<E, VmaStartWriteInterrupted>] extends [never]
  ? never
  : L11UnhandledEintr

/**
 * The body of an mmap lock scope: generic in the scope identity `S`. The object locks of the
 * VMAs it found (F7, F8, P14) end here too: the clause each stands for is still required of
 * the mm (`LockRequired`), so a missing rmap lock is reported once, in kernel words.
 */
export type MmapBody<Id extends string, M extends MmapMode, A, E, R> = <S>(
  lock: MmapLock<Id, M, S>,
) => Effect.Effect<A, E, R | InMmapLockScope<S> | ObjectLocks<InMmapLockScope<S>>>

/** The body of a nested mmap lock scope (mmapWriteLockNested): its token is of its own kind. */
export type NestedMmapBody<Id extends string, A, E, R> = <S>(
  lock: MmapLock<Id, "write", S, InNestedMmapLockScope<S>>,
) => Effect.Effect<A, E, R | InNestedMmapLockScope<S> | ObjectLocks<InNestedMmapLockScope<S>>>

/**
 * The type of an mmap lock scope in mode `M` on mm `Id` around a body `Effect<A, E, R>`: what
 * the lock satisfies is discharged; recursion (L10), inversions (O3) and unhandled -EINTR (L11)
 * are added as violations naming the rule.
 */
export type MmapScoped<A, E, R, M extends MmapMode, Id extends string> = Effect.Effect<
  A,
  E | KernelError,
  | Discharge<R, "mmap", M, Id>
  | Kernel
  | Acquires<"mmap_lock", Id>
  | MmapViolations<R, Id>
  | EintrUnhandled<E>
>

const mmapScope =
  <M extends MmapMode>(mode: M, attempt: Attempt) =>
  <Id extends string, A, E, R>(
    mm: Mm<Id>,
    body: MmapBody<Id, M, A, E, R>,
  ): MmapScoped<A, E, R, M, Id> =>
    held(
      { mm: mm.id, lock: "mmap", mode, attempt },
      Effect.suspend(() => body(guard(mm, mode))),
    ) as never

/** mmap_read_lock: the mmap lock in read mode around `body` (L1). */
export const mmapReadLock = mmapScope("read", "block")

/** mmap_write_lock: the mmap lock in write mode around `body` (L1); its release ends every VMA write lock (V2). */
export const mmapWriteLock = mmapScope("write", "block")

/**
 * mmap_write_lock_nested: the mmap write lock of a second mm taken inside an mmap lock scope of
 * another (dup_mmap locks the new mm, not yet visible to anyone, inside the old mm's scope; the
 * lockdep subclass tells the two apart). Like mmapWriteLock, with a scope of its own kind so the
 * VMAs of both mms stay usable in the body; nested in a scope of the same mm it is still L10.
 */
export const mmapWriteLockNested = <Id extends string, A, E, R>(
  mm: Mm<Id>,
  body: NestedMmapBody<Id, A, E, R>,
): MmapScoped<A, E, R, "write", Id> => mmapWriteLock(mm, body as never) as never

/** mmap_read_lock_killable: like mmapReadLock, but fails with `Killed` if the task is killed. */
export const mmapReadLockKillable = mmapScope("read", "killable")

/** mmap_write_lock_killable: like mmapWriteLock, but fails with `Killed` if the task is killed. */
export const mmapWriteLockKillable = mmapScope("write", "killable")

const mmapTrylock =
  <M extends MmapMode>(mode: M) =>
  <Id extends string, A, E, R, A2, E2, R2>(
    mm: Mm<Id>,
    body: MmapBody<Id, M, A, E, R>,
    onBusy: Effect.Effect<A2, E2, R2>,
  ): Effect.Effect<
    A | A2,
    E | E2 | KernelError,
    | Discharge<R, "mmap", M, Id>
    | R2
    | Kernel
    | Acquires<"mmap_lock", Id>
    | MmapViolations<R, Id>
    | EintrUnhandled<E>
  > => {
    const req: LockRequest = { mm: mm.id, lock: "mmap", mode, attempt: "try" }
    return Effect.flatMap(
      withKernel((k) => k.lock(req)),
      (outcome): Effect.Effect<unknown, unknown, unknown> =>
        outcome.acquired
          ? Effect.ensuring(
              Effect.suspend(() => body(guard(mm, mode))),
              Effect.orDie(withKernel((k) => k.unlock(req))),
            )
          : onBusy,
    ) as never
  }

/** mmap_read_trylock: runs `body` under the read lock if it is free at once, else `onBusy`. */
export const mmapReadTrylock = mmapTrylock("read")

/** mmap_write_trylock: runs `body` under the write lock if it is free at once, else `onBusy`. */
export const mmapWriteTrylock = mmapTrylock("write")

/**
 * The two phases of a downgraded mmap write lock. What the write phase hands the read phase
 * stays inside (its type is not part of this one), so it may be bound to the scope: the VMAs
 * found and the proofs of their detachment.
 */
export interface DowngradePhases<E, R, A2, E2, R2> {
  /** Runs under the mmap write lock. */
  readonly write: Effect.Effect<unknown, E, R>
  /** Runs under the downgraded read lock, with the write phase's result. */
  readonly read: (a: never) => Effect.Effect<A2, E2, R2>
}

/** The phases of `mmapWriteDowngrade`: `write`, then `read` with its result. */
export const downgradePhases = <A, E, R, A2, E2, R2>(
  write: Effect.Effect<A, E, R>,
  read: (a: A) => Effect.Effect<A2, E2, R2>,
): DowngradePhases<E, R, A2, E2, R2> => ({ write, read })

/**
 * mmap_write_lock, then mmap_write_downgrade between two phases (V5), given by
 * `downgradePhases(write, read)`: `write` runs with the write lock, `read` with the downgraded
 * read lock; every VMA write lock ends at the downgrade
 * (V2). Both phases share one scope: the mmap lock is held throughout, so the VMAs found (and
 * detached) in the write phase stay valid in the read phase, as munmap needs (P7 rev 2). The
 * read lock is released on every exit.
 */
export const mmapWriteDowngrade = <Id extends string, E, R, A2, E2, R2>(
  mm: Mm<Id>,
  body: <S>(
    lock: MmapLock<Id, "write", S>,
  ) => DowngradePhases<
    E,
    R | InMmapLockScope<S> | ObjectLocks<InMmapLockScope<S>>,
    A2,
    E2,
    R2 | InMmapLockScope<S> | ObjectLocks<InMmapLockScope<S>>
  >,
): Effect.Effect<
  A2,
  E | E2 | KernelError,
  | Discharge<R, "mmap", "write", Id>
  | Discharge<R2, "mmap", "read", Id>
  | Kernel
  | Acquires<"mmap_lock", Id>
  | MmapViolations<R | R2, Id>
  | EintrUnhandled<E | E2>
> => {
  let mode: MmapMode = "write"
  return Effect.acquireUseRelease(
    withKernel((k) => k.lock({ mm: mm.id, lock: "mmap", mode: "write" })),
    () =>
      Effect.suspend(() => {
        const phases: DowngradePhases<E, unknown, A2, E2, unknown> = body(guard(mm, "write"))
        return Effect.flatMap(phases.write, (a) =>
          Effect.flatMap(
            withKernel((k) => k.downgrade(mm.id)),
            () => {
              mode = "read"
              return phases.read(a as never)
            },
          ),
        )
      }),
    () => withKernel((k) => k.unlock({ mm: mm.id, lock: "mmap", mode })),
  ) as never
}
