/**
 * VMA handles. A handle is only obtained inside a scope that keeps the VMA stable (L5): an mmap
 * lock scope (`findVma`), a VMA read lock (`lockVmaUnderRcu`, `vmaStartReadLocked`) or an rmap
 * walk. It carries that scope's token `T` (see Scope.ts), so it is only usable inside it, and
 * the VMA's kind `K` (anonymous, shared file, private file with or without an anon_vma),
 * narrowed at run time with `hasKind` from what the kernel reports.
 *
 * @since 0.1.0
 */
import type { Mm } from "./Mm.js"
import type { VmaKind } from "./Rules.js"
import { bound, type ScopeBound } from "./Scope.js"

export type { VmaKind } from "./Rules.js"

/** A VMA as the kernel service reports it. Addresses are bigints (57-bit safe). */
export interface VmaInfo {
  readonly id: number
  readonly start: bigint
  readonly end: bigint
  readonly pgoff: bigint
  readonly anonymous: boolean
  readonly flags: ReadonlyArray<string>
  /** The mapped file's name (its address_space), for file VMAs. */
  readonly file?: string
  /** MAP_SHARED (a file mapping whose writes reach the file). */
  readonly shared?: boolean
  /** The id of the VMA's anon_vma, once it has one (anon_vma_prepare, F9). */
  readonly anonVma?: number
  /** The mm the VMA belongs to (reported by rmap walks, which cross mms). */
  readonly mm?: string
}

/** The kind of a VMA, from what the kernel reports about it. */
export const kindOf = (info: VmaInfo): VmaKind => {
  if (info.anonymous || info.file === undefined) return "anonymous"
  if (info.shared) return "sharedFile"
  return info.anonVma === undefined ? "privateFile" : "privateFileAnon"
}

/** The kinds of VMA that map a file (and so sit in its i_mmap tree). */
export type FileKind = "sharedFile" | "privateFile" | "privateFileAnon"

/** The kinds of VMA that have an anon_vma (sit in an anon_vma tree). */
export type AnonKind = "anonymous" | "privateFileAnon"

/**
 * A VMA of mm `Id`, valid only inside the scope whose token is `T`, of kind `K`. A declared
 * handle (`Vma<"proc1">`, token `never`) is bound to no scope.
 */
export interface Vma<Id extends string, T = never, K extends VmaKind = VmaKind> {
  readonly _tag: "Vma"
  readonly mm: Mm<Id>
  readonly kind: K
  readonly info: VmaInfo
  readonly "L5: a VMA handle is valid only inside the scope that keeps it stable": ScopeBound<T>
}

/** Wraps kernel-reported VMA data into a handle of the scope whose token is `T`. */
export const handle = <Id extends string, T>(mm: Mm<Id>, info: VmaInfo): Vma<Id, T> => ({
  _tag: "Vma",
  mm,
  kind: kindOf(info),
  info,
  "L5: a VMA handle is valid only inside the scope that keeps it stable": bound<T>(),
})

/**
 * Narrows a handle to the kinds listed, from the kind the kernel reported (P14, F1: which
 * rmap locks a VMA needs depends on its kind).
 */
export const hasKind = <Id extends string, T, K extends VmaKind, const Ks extends VmaKind>(
  vma: Vma<Id, T, K>,
  ...kinds: ReadonlyArray<Ks>
): vma is Vma<Id, T, Extract<K, Ks>> => kinds.some((k: VmaKind) => k === vma.kind)
