/**
 * VMA handles. A handle is only obtained inside a lock scope (`findVma` needs a lock that keeps
 * the VMA stable, L5/L6) and records how it was stabilised. Using it after the scope ended puts
 * the stability requirement back into the program's `R`, so the escape is a compile error.
 *
 * @since 0.1.0
 */
import type { Mm } from "./Mm.js"

/** What a handle was obtained under (L5). */
export type StabilisedBy = "mmap" | "vma" | "rmap"

/** A VMA as the kernel service reports it. Addresses are bigints (57-bit safe). */
export interface VmaInfo {
  readonly id: number
  readonly start: bigint
  readonly end: bigint
  readonly pgoff: bigint
  readonly anonymous: boolean
  readonly flags: ReadonlyArray<string>
}

/** A VMA of mm `Id`, stabilised by `Via`. */
export interface Vma<Id extends string, Via extends StabilisedBy = StabilisedBy> {
  readonly _tag: "Vma"
  readonly mm: Mm<Id>
  readonly via: Via
  readonly info: VmaInfo
}

/** Wraps kernel-reported VMA data into a handle (used by the lock scopes and lookups). */
export const handle = <Id extends string, Via extends StabilisedBy>(
  mm: Mm<Id>,
  via: Via,
  info: VmaInfo,
): Vma<Id, Via> => ({ _tag: "Vma", mm, via, info })
