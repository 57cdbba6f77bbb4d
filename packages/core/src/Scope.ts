/**
 * Scope identities (L5). Every scope that stabilises something (an mmap lock scope, a VMA read
 * lock, an rmap walk, a page table lock) runs a body that is generic in a fresh type `S`, as in
 * the ST monad: the handles it hands out carry `S`, and every operation on them puts the scope's
 * token (`InMmapLockScope<S>`, ...) into the program's `R`. Only the scope that minted `S`
 * removes its token, so a handle, or a program using one, that leaves its scope is a compile
 * error: where it escapes (the handle's type cannot name `S` outside) or where it is used.
 *
 * Each kind of scope has its own token, so a scope never mistakes the token of an enclosing
 * scope of another kind for its own.
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import { Kernel, type KernelShape, type LockRequest } from "./Kernel.js"

/** The property that makes a handle of scope `S` unusable under any other scope (invariant in S). */
export type ScopeBound<S> = (scope: S) => S

/** Token of an mmap lock scope: the handles it found are only valid inside it. */
export interface InMmapLockScope<S> {
  readonly "L5: valid only inside the mmap lock scope that found it": ScopeBound<S>
}

/**
 * Token of a second mmap lock scope taken while one of another mm is held
 * (mmap_write_lock_nested, as dup_mmap locks the new mm inside the old one's scope): a kind of
 * its own, so the handles of both scopes stay usable in its body.
 */
export interface InNestedMmapLockScope<S> {
  readonly "L5: valid only inside the nested mmap lock scope that found it": ScopeBound<S>
}

/** The token of either kind of mmap lock scope, of any identity: what mmap lock handles carry. */
export type MmapScopeToken =
  | Record<keyof InMmapLockScope<unknown>, unknown>
  | Record<keyof InNestedMmapLockScope<unknown>, unknown>

/** Token of a VMA read lock (lock_vma_under_rcu, vma_start_read_locked): valid until vma_end_read. */
export interface InVmaReadScope<S> {
  readonly "L5: valid only until vma_end_read of the VMA read lock that found it": ScopeBound<S>
}

/** Token of an rmap lock scope (i_mmap_lock_*, anon_vma_lock_*). */
export interface InRmapLockScope<S> {
  readonly "L5: valid only inside the rmap lock scope that locked it": ScopeBound<S>
}

/**
 * Token of one step of an rmap interval-tree walk: the VMA is stable only in that step's body.
 * `F` is the identity of the address_space walked (`never` for an anon_vma walk): the VMAs of
 * an i_mmap walk map that file.
 */
export interface InRmapWalk<S, F = never> {
  readonly "L5: valid only inside the rmap walk body that found it": ScopeBound<S>
  readonly "F7, P14: the address_space this walk step's VMA maps": ScopeBound<F>
}

/** Token of a PTE lock scope (pte_offset_map_lock): valid until pte_unmap_unlock. */
export interface InPteLockScope<S> {
  readonly "P8: valid only until pte_unmap_unlock of the PTE lock that locked it": ScopeBound<S>
}

/** Token of a second, nested PTE lock scope (spin_lock_nested, as move_ptes takes it). */
export interface InNestedPteLockScope<S> {
  readonly "P8: valid only until the nested PTE lock that locked it is released": ScopeBound<S>
}

/** Token of a PMD lock scope (pmd_lock): valid until spin_unlock. */
export interface InPmdLockScope<S> {
  readonly "P8: valid only until the PMD lock that locked it is released": ScopeBound<S>
}

/** Token of pte_offset_map without the lock: the mapping is valid until pte_unmap (P10). */
export interface InPteMapScope<S> {
  readonly "P10: valid only until pte_unmap of the mapping that found it": ScopeBound<S>
}

/** The run-time value of a scope-bound property (types only care about its type). */
export const bound =
  <S>(): ScopeBound<S> =>
  (s) =>
    s

/** Runs `f` with the kernel service. */
export const withKernel = <A, E>(f: (k: KernelShape) => Effect.Effect<A, E>) =>
  Effect.flatMap(Effect.service(Kernel), f)

/** Takes `req`, runs `body`, releases `req` whatever happens. */
export const held = <A, E, R>(req: LockRequest, body: Effect.Effect<A, E, R>) =>
  Effect.acquireUseRelease(
    withKernel((k) => k.lock(req)),
    () => body,
    () => withKernel((k) => k.unlock(req)),
  )
