/**
 * The simulated mm_struct: its page tables and its VMAs, kept sorted by address (the maple
 * tree's role) with binary-search lookup. VMAs never overlap: an insert that would is refused.
 *
 * @since 0.1.0
 */
import type { Arch } from "./Arch.js"
import type { Frames } from "./Frames.js"
import { PageTable } from "./PageTable.js"
import * as Rmap from "./Rmap.js"
import { SimError } from "./SimError.js"
import { compatible, type Vma, type VmFlag } from "./Vma.js"

/** What a new VMA looks like: page-number range, flags, optional file and anon_vma. */
export interface VmaSpec {
  readonly start: number
  readonly end: number
  readonly flags?: ReadonlyArray<VmFlag>
  readonly pgoff?: number
  readonly file?: Rmap.AddressSpace
  readonly anonVma?: Rmap.AnonVma
}

/** An address space: its name, page tables and sorted VMAs. */
export class Mm {
  readonly name: string
  readonly pt: PageTable
  readonly vmas: Array<Vma> = []
  /** The world's VMA object id counter, shared by its mms (one id per object world-wide). */
  private ids: { next: number }

  constructor(name: string, arch: Arch, frames: Frames, ids: { next: number } = { next: 1 }) {
    this.name = name
    this.ids = ids
    this.pt = new PageTable(arch, frames)
  }

  /**
   * A deep copy on cloned `frames`; `vma` maps each VMA of this mm (and any detached one the
   * caller tracks) to its copy, so the caller can rebuild rmap links consistently.
   */
  clone(frames: Frames, vma: (v: Vma) => Vma, ids: { next: number } = { ...this.ids }): Mm {
    const c = Object.create(Mm.prototype) as Mm
    Object.assign(c, this, { pt: this.pt.clone(frames), vmas: this.vmas.map(vma), ids })
    return c
  }

  /** Index of the first VMA whose end is above `vpn` (binary search). */
  private lowerBound(vpn: number): number {
    let lo = 0
    let hi = this.vmas.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if ((this.vmas[mid] as Vma).end <= vpn) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** find_vma: the VMA containing page `vpn`, if any. O(log n). */
  find(vpn: number): Vma | undefined {
    const v = this.vmas[this.lowerBound(vpn)]
    return v !== undefined && v.start <= vpn ? v : undefined
  }

  /** The VMAs intersecting [start, end). */
  intersecting(start: number, end: number): Array<Vma> {
    const out: Array<Vma> = []
    for (let i = this.lowerBound(start); i < this.vmas.length; i++) {
      const v = this.vmas[i] as Vma
      if (v.start >= end) break
      out.push(v)
    }
    return out
  }

  /**
   * Inserts a new VMA and links it into the rmap; refuses bad ranges and overlaps. With
   * `reuse`, the new VMA is that freed object, keeping its id: VMA objects are freed type-safe
   * under RCU (SLAB_TYPESAFE_BY_RCU), so a new mmap may get the object a reader still points
   * at (V7).
   */
  insert(spec: VmaSpec, reuse?: Vma): Vma | SimError {
    const bad =
      this.pt.check(spec.start) ?? this.pt.check(spec.end - 1) ?? this.pt.check(spec.start)
    if (bad) return bad
    if (spec.end <= spec.start)
      return new SimError({ kind: "BadAddress", rule: "L7", message: "a VMA must not be empty" })
    const clash = this.intersecting(spec.start, spec.end)[0]
    if (clash)
      return new SimError({
        kind: "VmaOverlap",
        rule: "L7",
        message: `[${spec.start}, ${spec.end}) overlaps VMA ${clash.id} [${clash.start}, ${clash.end})`,
      })
    const vma: Vma = {
      id: reuse?.id ?? this.ids.next++,
      start: spec.start,
      end: spec.end,
      pgoff: spec.pgoff ?? spec.start,
      flags: spec.flags ?? ["read", "write", "mayread", "maywrite"],
      pageProt: 0,
      file: spec.file,
      anonVma: spec.anonVma,
      extra: {},
    }
    if (reuse) Object.assign(reuse, vma)
    const placed = reuse ?? vma
    this.vmas.splice(this.lowerBound(spec.start), 0, placed)
    Rmap.link(placed)
    return placed
  }

  /**
   * Detaches a VMA from the mm's tree, leaving it in the rmap (munmap does this first; the
   * rmap unlink comes with free_pgtables, P7).
   */
  detach(vma: Vma): SimError | undefined {
    const i = this.vmas.indexOf(vma)
    if (i < 0)
      return new SimError({
        kind: "NoVma",
        rule: "L6",
        message: `VMA ${vma.id} is not in ${this.name}`,
      })
    this.vmas.splice(i, 1)
    return undefined
  }

  /** Removes a VMA from the mm and from the rmap (its pages must be zapped by the caller). */
  remove(vma: Vma): SimError | undefined {
    const err = this.detach(vma)
    if (err === undefined) Rmap.unlink(vma)
    return err
  }

  /** Splits `vma` at page `at` (strictly inside it); returns the new upper part. */
  split(vma: Vma, at: number): Vma | SimError {
    if (!this.vmas.includes(vma))
      return new SimError({
        kind: "NoVma",
        rule: "L6",
        message: `VMA ${vma.id} is not in ${this.name}`,
      })
    if (at <= vma.start || at >= vma.end)
      return new SimError({
        kind: "BadAddress",
        rule: "F1",
        message: `page ${at} is not inside VMA ${vma.id}`,
      })
    Rmap.unlink(vma)
    const upper: Vma = {
      ...vma,
      id: this.ids.next++,
      start: at,
      pgoff: vma.pgoff + (at - vma.start),
      extra: { ...vma.extra },
    }
    vma.end = at
    this.vmas.splice(this.vmas.indexOf(vma) + 1, 0, upper)
    Rmap.link(vma)
    Rmap.link(upper)
    return upper
  }

  /** Merges `vma` with its next neighbour when they are compatible; returns the merged VMA. */
  mergeNext(vma: Vma): Vma | SimError {
    const i = this.vmas.indexOf(vma)
    const next = this.vmas[i + 1]
    if (i < 0 || next === undefined || !compatible(vma, next))
      return new SimError({
        kind: "VmaOverlap",
        rule: "F1",
        message: `VMA ${vma.id} has no compatible next neighbour`,
      })
    Rmap.unlink(vma)
    Rmap.unlink(next)
    vma.end = next.end
    this.vmas.splice(i + 1, 1)
    Rmap.link(vma)
    return vma
  }

  /**
   * free_pgtables for [start, end) (P7): refuses while a VMA covering the range is still
   * reachable through the rmap, or while leaves remain; otherwise frees the tables.
   */
  freePgtables(start: number, end: number): SimError | number {
    const live = this.intersecting(start, end).find(Rmap.reachable)
    if (live)
      return new SimError({
        kind: "StillReachable",
        rule: "P7",
        message: `VMA ${live.id} still spans the range and is reachable through the rmap`,
      })
    return this.pt.freeTables(start, end)
  }
}
