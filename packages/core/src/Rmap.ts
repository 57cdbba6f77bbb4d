/**
 * The rmap side (L4, L5, P4, P5, P15): address_space and anon_vma handles, their lock scopes,
 * and the interval-tree walks that yield the VMAs mapping a range, each stabilised by the rmap
 * lock and valid only inside its walk body. As in the kernel, rmap locks are taken on the
 * address_space (i_mmap_rwsem) or the anon_vma, never "on a VMA"; `takeRmapLocks` is mremap's
 * take_rmap_locks: the locks of one VMA's kind.
 *
 * An rmap lock serves VMAs of any mm, so its scope discharges the requirements it satisfies for
 * every mm; VMAs found by a walk belong to an mm the types cannot name (`string`). It serves
 * only its own object, though: address_space and anon_vma handles carry their identity, and
 * the rows needing a VMA's own rmap locks (F1, F7, F8, F9, P14) also require the lock of that
 * VMA's address_space or anon_vma (`Requirement.IMmapLockOf`, `AnonVmaLockOf`), which only a scope on that
 * object discharges: libbar's i_mmap lock never stands in for libfoo's.
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import type { PgOff } from "./Address.js"
import type { Kernel, LockRequest } from "./Kernel.js"
import { type KernelError, NoAnonVma } from "./KernelError.js"
import * as Mm from "./Mm.js"
import type { Acquires, InversionsIn } from "./Order.js"
import type {
  AnonVmaLockOf,
  Discharge,
  Discharged,
  FileOf,
  ObjectClause,
  ObjectDischarged,
  ObjectLocks,
} from "./Requirement.js"
import type { Clauses, RmapLocksOfKind, VmaKind } from "./Rules.js"
import {
  bound,
  held,
  type InRmapLockScope,
  type InRmapWalk,
  type ScopeBound,
  withKernel,
} from "./Scope.js"
import { type AnonKind, type FileKind, handle, type Vma } from "./Vma.js"

/**
 * A file's address_space (its i_mmap tree of file VMAs). `F` is its identity: the file's name
 * for one named with `addressSpace`, the VMA's for one reached from a VMA with `fileMapping`.
 */
export interface AddressSpace<F = string> {
  readonly _tag: "AddressSpace"
  readonly file: string
  readonly "F7, P14: the identity of this address_space": ScopeBound<F>
}

/** The address_space of file `file` (as reached from its inode, e.g. by truncation). */
export const addressSpace = <const F extends string>(file: F): AddressSpace<F> => ({
  _tag: "AddressSpace",
  file,
  "F7, P14: the identity of this address_space": bound<F>(),
})

/**
 * The address_space a file VMA maps (vma->vm_file->f_mapping). It carries the VMA's identity,
 * so its i_mmap lock discharges what that VMA's rows need of it (F7, P14).
 */
export const fileMapping = <Id extends string, T, K extends FileKind>(
  vma: Vma<Id, T, K>,
): AddressSpace<FileOf<T>> => ({
  _tag: "AddressSpace",
  file: vma.info.file ?? "",
  "F7, P14: the identity of this address_space": bound<FileOf<T>>(),
})

/**
 * An anon_vma reached from a VMA of scope `T`: valid while that VMA is stable. `T` is also its
 * identity: its lock discharges what that VMA's rows need of its anon_vma (F8, F9, P14).
 */
export interface AnonVma<T = never> {
  readonly _tag: "AnonVma"
  readonly id: number
  readonly "L5: an anon_vma reached from a VMA is valid while that VMA is stable": ScopeBound<T>
}

/** vma->anon_vma; fails with `NoAnonVma` (F9) while nothing anonymous was faulted in yet. */
export const anonVmaOf = <Id extends string, T, K extends AnonKind>(
  vma: Vma<Id, T, K>,
): Effect.Effect<AnonVma<T>, NoAnonVma> =>
  vma.info.anonVma === undefined
    ? Effect.fail(new NoAnonVma({ vma: vma.info.id, rule: "F9" }))
    : Effect.succeed({
        _tag: "AnonVma",
        id: vma.info.anonVma,
        "L5: an anon_vma reached from a VMA is valid while that VMA is stable": bound<T>(),
      })

/**
 * folio_anon_vma: the anon_vma of an anonymous folio (folio->mapping), as reclaim and memory
 * failure reach it from the page, with no VMA in hand. `id` names the anon_vma; the caller
 * holds the folio (locked, or a reference) so the anon_vma stays alive for the rmap walk.
 */
export const folioAnonVma = (id: number): AnonVma => ({
  _tag: "AnonVma",
  id,
  "L5: an anon_vma reached from a VMA is valid while that VMA is stable": bound<never>(),
})

/**
 * The guard of an i_mmap lock scope in mode `M` (identity `S`) on the address_space of
 * identity `F`: what a file rmap walk needs.
 */
export interface IMmapLocked<M extends "read" | "write", S, F = string> {
  readonly _tag: "IMmapLocked"
  readonly mapping: AddressSpace<F>
  readonly mode: M
  readonly "L5: valid only inside the rmap lock scope that locked it": ScopeBound<S>
}

/** The guard of an anon_vma lock scope in mode `M` (identity `S`): what an anon rmap walk needs. */
export interface AnonVmaLocked<M extends "read" | "write", S> {
  readonly _tag: "AnonVmaLocked"
  readonly anonVma: number
  readonly mode: M
  readonly "L5: valid only inside the rmap lock scope that locked it": ScopeBound<S>
}

/**
 * What an rmap lock scope's body returns: its program, carrying the scope token `Tok` and the
 * object locks `Own` the scope's lock is (F7, F8, P14). Both are matched by inference, so they
 * never reach `R`; an object lock of another object does not match, and the body's argument
 * fails naming it (`IMmapLockOf<"IMmapWriteLock", "P14", ...>`).
 */
type RmapResult<Tok, Own, A, E, R> = Effect.Effect<A, E, R | Tok | Own>

/** The lock class of an rmap lock kind. */
type RmapClass<L extends "iMmap" | "anonVma"> = L extends "iMmap"
  ? "i_mmap_rwsem"
  : "anon_vma_rwsem"

/** The type of an rmap lock scope: it discharges what lock `L` in mode `M` satisfies, for any mm. */
type RmapScoped<
  A,
  E,
  R,
  L extends "iMmap" | "anonVma",
  M extends "read" | "write",
  X,
> = Effect.Effect<
  A,
  E | KernelError,
  | Discharge<R, L, M, string>
  | X
  | Kernel
  | Acquires<RmapClass<L>, "*">
  | InversionsIn<R, RmapClass<L>>
>

const rmapScope = (req: LockRequest, guard: object, body: (g: never) => unknown) =>
  held(
    req,
    Effect.suspend(() => body(guard as never) as Effect.Effect<unknown>),
  )

const iMmapScope =
  <M extends "read" | "write">(mode: M) =>
  <F, A, E, R>(
    mapping: AddressSpace<F>,
    body: <S>(
      locked: IMmapLocked<M, S, F>,
    ) => RmapResult<InRmapLockScope<S>, ObjectDischarged<"iMmap", M, NoInfer<F>>, A, E, R>,
  ): RmapScoped<A, E, R, "iMmap", M, never> =>
    rmapScope(
      { mm: "", lock: "iMmap", mode, file: mapping.file },
      {
        _tag: "IMmapLocked",
        mapping,
        mode,
        "L5: valid only inside the rmap lock scope that locked it": bound(),
      },
      body,
    ) as never

/** i_mmap_lock_read: the address_space's i_mmap_rwsem in read mode (L4). */
export const iMmapLockRead = iMmapScope("read")
/** i_mmap_lock_write: the address_space's i_mmap_rwsem in write mode (L4). */
export const iMmapLockWrite = iMmapScope("write")

const anonVmaScope =
  <M extends "read" | "write">(mode: M) =>
  <T, A, E, R>(
    anonVma: AnonVma<T>,
    body: <S>(
      locked: AnonVmaLocked<M, S>,
    ) => RmapResult<InRmapLockScope<S>, ObjectDischarged<"anonVma", M, NoInfer<T>>, A, E, R>,
  ): RmapScoped<A, E, R, "anonVma", M, T> =>
    rmapScope(
      { mm: "", lock: "anonVma", mode, anonVma: anonVma.id },
      {
        _tag: "AnonVmaLocked",
        anonVma: anonVma.id,
        mode,
        "L5: valid only inside the rmap lock scope that locked it": bound(),
      },
      body,
    ) as never

/** anon_vma_lock_read: the anon_vma's rwsem in read mode (L4). */
export const anonVmaLockRead = anonVmaScope("read")
/** anon_vma_lock_write: the anon_vma's rwsem in write mode (L4). */
export const anonVmaLockWrite = anonVmaScope("write")

/**
 * The object locks keyed by one walk step (they end with it, as in an mmap lock scope): its
 * VMA's anon_vma; and its address_space unless the walk is of one (`F`): then they go on to
 * that address_space's lock scope.
 */
type StepLocks<V, F> = [F] extends [never]
  ? ObjectLocks<InRmapWalk<V, F>>
  : AnonVmaLockOf<ObjectClause, string, InRmapWalk<V, F>>

/**
 * The body of one step of an rmap walk: generic in the step's identity `V`; `F` is the
 * address_space walked (`never` for an anon_vma walk).
 */
type WalkBody<K extends VmaKind, F, A, E, R> = <V>(
  vma: Vma<string, InRmapWalk<V, F>, K>,
) => Effect.Effect<A, E, R | InRmapWalk<V, F> | StepLocks<V, F>>

const walkTree = (
  req: { readonly file?: string; readonly anonVma?: number },
  first: PgOff,
  last: PgOff,
  body: (vma: Vma<string, unknown>) => Effect.Effect<unknown, unknown, unknown>,
) =>
  Effect.flatMap(
    withKernel((k) => k.rmapWalk({ ...req, first, last })),
    (vmas) => Effect.forEach(vmas, (info) => body(handle(Mm.make(info.mm ?? ""), info))),
  )

/**
 * vma_interval_tree_foreach: runs `body` on every VMA of the locked address_space mapping a
 * page in [first, last] (pgoff). Each VMA is stabilised by the i_mmap lock (L5) and valid only
 * inside its step of the walk.
 */
export const vmaIntervalTreeForeach = <M extends "read" | "write", S, F, A, E, R>(
  locked: IMmapLocked<M, S, F>,
  first: PgOff,
  last: PgOff,
  body: WalkBody<FileKind, F, A, E, R>,
): Effect.Effect<ReadonlyArray<A>, E | KernelError, R | InRmapLockScope<S> | Kernel> =>
  walkTree({ file: locked.mapping.file }, first, last, body as never) as never

/**
 * anon_vma_interval_tree_foreach: runs `body` on every VMA of the locked anon_vma that may map
 * a page in [first, last] (pgoff), each stabilised by the anon_vma lock and valid in its step.
 */
export const anonVmaIntervalTreeForeach = <M extends "read" | "write", S, A, E, R>(
  locked: AnonVmaLocked<M, S>,
  first: PgOff,
  last: PgOff,
  body: WalkBody<AnonKind, never, A, E, R>,
): Effect.Effect<ReadonlyArray<A>, E | KernelError, R | InRmapLockScope<S> | Kernel> =>
  walkTree({ anonVma: locked.anonVma }, first, last, body as never) as never

/** The lock kinds of the rmap write locks of a VMA kind (`Rules.RmapLocksOfKind`). */
type RmapLockKindsOf<K extends VmaKind> =
  (typeof Clauses)[(typeof RmapLocksOfKind)[K][number]]["anyOf"][number]["lock"]

/**
 * take_rmap_locks (mremap): the rmap write locks of `vma`'s kind around `body`: i_mmap_rwsem
 * if it maps a file, then its anon_vma's lock if it has one (P14, F1), released on every exit.
 * An anonymous VMA that has no anon_vma yet maps nothing through the rmap: like the kernel, it
 * takes no lock then.
 */
export const takeRmapLocks = <Id extends string, T, K extends VmaKind, A, E, R>(
  vma: Vma<Id, T, K>,
  body: Effect.Effect<
    A,
    E,
    | R
    | ObjectDischarged<"iMmap", "write", NoInfer<FileOf<T>>>
    | ObjectDischarged<"anonVma", "write", NoInfer<T>>
  >,
): Effect.Effect<
  A,
  E | KernelError,
  | Exclude<R, Discharged<RmapLockKindsOf<K>, "write", string>>
  | T
  | Kernel
  | Acquires<"i_mmap_rwsem" | "anon_vma_rwsem", "*">
  | InversionsIn<R, "i_mmap_rwsem">
> => {
  const { file, anonVma } = vma.info
  const inner = body as Effect.Effect<A, E, R>
  const withAnon =
    anonVma === undefined ? inner : held({ mm: "", lock: "anonVma", mode: "write", anonVma }, inner)
  return (
    file === undefined ? withAnon : held({ mm: "", lock: "iMmap", mode: "write", file }, withAnon)
  ) as never
}
