/**
 * The reverse map: a file's address_space with its i_mmap tree of file VMAs, and anon_vma with
 * the anonymous VMAs sharing it. A MAP_PRIVATE file VMA sits in both. Reclaim, truncation and
 * migration ask "which VMAs map this page?" here (P4, P5). Each tree is kept as a list sorted
 * by pgoff; a query is a scan of the VMAs whose pgoff range covers the page.
 *
 * @since 0.1.0
 */
import type { Vma } from "./Vma.js"

/** A file's mapping (struct address_space): i_mmap holds the file VMAs. */
export interface AddressSpace {
  readonly kind: "file"
  readonly name: string
  readonly iMmap: Array<Vma>
}

/** An anon_vma: the anonymous VMAs that may map its pages. */
export interface AnonVma {
  readonly kind: "anon"
  readonly id: number
  readonly vmas: Array<Vma>
}

/** A new, empty address_space for file `name`. */
export const addressSpace = (name: string): AddressSpace => ({ kind: "file", name, iMmap: [] })

/** A new, empty anon_vma. */
export const anonVma = (id: number): AnonVma => ({ kind: "anon", id, vmas: [] })

const pages = (v: Vma) => v.end - v.start

const covers = (v: Vma, pgoff: number) => v.pgoff <= pgoff && pgoff < v.pgoff + pages(v)

const insertSorted = (list: Array<Vma>, v: Vma) => {
  let i = 0
  while (i < list.length && (list[i] as Vma).pgoff <= v.pgoff) i++
  list.splice(i, 0, v)
}

/** Links `v` into the trees it belongs to (i_mmap and/or its anon_vma). */
export const link = (v: Vma): void => {
  if (v.file) insertSorted(v.file.iMmap, v)
  if (v.anonVma) insertSorted(v.anonVma.vmas, v)
}

/** Unlinks `v` from every rmap tree (what free_pgtables' unlink_*_vmas does, P7). */
export const unlink = (v: Vma): void => {
  for (const list of [v.file?.iMmap, v.anonVma?.vmas]) {
    const i = list?.indexOf(v) ?? -1
    if (list && i >= 0) list.splice(i, 1)
  }
}

/** The VMAs that map page `pgoff` of the file (rmap walk of i_mmap). */
export const vmasMappingFilePage = (as: AddressSpace, pgoff: number): Array<Vma> =>
  as.iMmap.filter((v) => covers(v, pgoff))

/** The VMAs that may map the anonymous page at `pgoff` of the anon_vma. */
export const vmasMappingAnonPage = (av: AnonVma, pgoff: number): Array<Vma> =>
  av.vmas.filter((v) => covers(v, pgoff))

/** Is `v` reachable through any rmap tree? */
export const reachable = (v: Vma): boolean =>
  (v.file?.iMmap.includes(v) ?? false) || (v.anonVma?.vmas.includes(v) ?? false)
