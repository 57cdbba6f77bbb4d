/**
 * The reverse map: a file's address_space with its i_mmap tree of file VMAs, and anon_vma with
 * the anonymous VMAs sharing it. A MAP_PRIVATE file VMA sits in both. Reclaim, truncation and
 * migration ask "which VMAs map this page?" here (P4, P5). Both are interval trees over the
 * VMAs' pgoff ranges: a query costs O(log n + hits).
 *
 * @since 0.1.0
 */
import { IntervalTree } from "./IntervalTree.js"
import type { Vma } from "./Vma.js"

/** A file's mapping (struct address_space): i_mmap holds the file VMAs. */
export interface AddressSpace {
  readonly kind: "file"
  readonly name: string
  readonly iMmap: IntervalTree<Vma>
}

/** An anon_vma: the anonymous VMAs that may map its pages. */
export interface AnonVma {
  readonly kind: "anon"
  readonly id: number
  readonly vmas: IntervalTree<Vma>
}

/** The pgoff range a VMA maps: [vm_pgoff, vm_pgoff + pages). */
const pgoffRange = (v: Vma) => [v.pgoff, v.pgoff + (v.end - v.start)] as const

/** A new, empty address_space for file `name`. */
export const addressSpace = (name: string): AddressSpace => ({
  kind: "file",
  name,
  iMmap: new IntervalTree(pgoffRange),
})

/** A new, empty anon_vma. */
export const anonVma = (id: number): AnonVma => ({
  kind: "anon",
  id,
  vmas: new IntervalTree(pgoffRange),
})

/** Links `v` into the trees it belongs to (i_mmap and/or its anon_vma). */
export const link = (v: Vma): void => {
  v.file?.iMmap.insert(v)
  v.anonVma?.vmas.insert(v)
}

/** Unlinks `v` from every rmap tree (what free_pgtables' unlink_*_vmas does, P7). */
export const unlink = (v: Vma): void => {
  v.file?.iMmap.remove(v)
  v.anonVma?.vmas.remove(v)
}

/** The VMAs that map page `pgoff` of the file (rmap walk of i_mmap). */
export const vmasMappingFilePage = (as: AddressSpace, pgoff: number): Array<Vma> =>
  as.iMmap.stab(pgoff)

/** The VMAs that may map the anonymous page at `pgoff` of the anon_vma. */
export const vmasMappingAnonPage = (av: AnonVma, pgoff: number): Array<Vma> => av.vmas.stab(pgoff)

/** Is `v` reachable through any rmap tree? */
export const reachable = (v: Vma): boolean =>
  (v.file?.iMmap.has(v) ?? false) || (v.anonVma?.vmas.has(v) ?? false)
