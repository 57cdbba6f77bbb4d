/**
 * VMA handles. A handle is only obtained inside a lock scope (`findVma` needs a lock that keeps
 * the VMA stable, L5/L6) and records how it was stabilised. Using it after the scope ended puts
 * the stability requirement back into the program's `R`, so the escape is a compile error.
 *
 * @since 0.1.0
 */
import type { Mm } from "./Mm.js"
import type { Stabilisers } from "./Rules.js"

/** What a handle was obtained under (L5): the mmap lock, the VMA's lock or an rmap lock. */
export type StabilisedBy = keyof typeof Stabilisers

/** In which mode the stabilising lock was held when the handle was obtained. */
export type StableMode = "read" | "write"

/** A VMA as the kernel service reports it. Addresses are bigints (57-bit safe). */
export interface VmaInfo {
  readonly id: number
  readonly start: bigint
  readonly end: bigint
  readonly pgoff: bigint
  readonly anonymous: boolean
  readonly flags: ReadonlyArray<string>
}

/**
 * A VMA of mm `Id`, stabilised by `Via` held in `Mode`: `Vma<"proc", "mmap", "write">` was
 * looked up under mmap_write_lock, `Vma<"proc", "vma", "read">` came from lock_vma_under_rcu.
 */
export interface Vma<
  Id extends string,
  Via extends StabilisedBy = StabilisedBy,
  Mode extends StableMode = StableMode,
> {
  readonly _tag: "Vma"
  readonly mm: Mm<Id>
  readonly via: Via
  readonly mode: Mode
  readonly info: VmaInfo
}

/** How a lookup is stabilised: which lock the caller holds, in which mode. */
export interface Stability<Via extends StabilisedBy, Mode extends StableMode> {
  readonly via: Via
  readonly mode: Mode
}

/** Wraps kernel-reported VMA data into a handle (used by the lock scopes and lookups). */
export const handle = <Id extends string, Via extends StabilisedBy, Mode extends StableMode>(
  mm: Mm<Id>,
  how: Stability<Via, Mode>,
  info: VmaInfo,
): Vma<Id, Via, Mode> => ({ _tag: "Vma", mm, via: how.via, mode: how.mode, info })
