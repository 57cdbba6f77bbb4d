/**
 * The storage of one mm's page tables (P1): only unfolded levels have tables; a table page is
 * shared with clones until one side writes to it (path copying). Navigation, allocation down a
 * path (the P12 pattern), visits of a range, and digests live here; the kernel operations are
 * layered on top (`HugeLeaves`, `Teardown`, and `PageTable` itself).
 *
 * @since 0.2.0
 */
import type { Arch } from "../Arch.js"
import type { Frames } from "../Frames.js"
import { SimError } from "../SimError.js"
import { empty, isTable, type Slot, type Table } from "./Entry.js"

/** The table storage of one address space. */
export abstract class TableStore {
  readonly arch: Arch
  readonly frames: Frames

  protected root: Table

  /** The token of the tables this page table may change in place (see `Table.owner`). */
  protected owner: object = {}

  /** Set once cloned: from then on some tables may be shared with another page table. */
  protected shared = false
  protected cachedDigest: string | undefined
  protected cachedEntries: ReadonlyArray<readonly [number, number]> | undefined

  /** Page numbers covered by one entry, per real level. */
  protected readonly span: ReadonlyArray<number>
  protected readonly ptrs: ReadonlyArray<number>

  protected readonly depth: number

  /** Per real level: the index's bit offset in the page number, and its mask (fast path). */
  protected readonly bitShift: Int32Array
  protected readonly mask: Int32Array

  /** Page-table pages currently allocated (the PGD included). */
  tables = 1

  constructor(arch: Arch, frames: Frames) {
    this.arch = arch
    this.frames = frames
    this.span = arch.real.map((l) => 2 ** (arch.shift[l] - arch.pageShift))
    this.ptrs = arch.real.map((l) => arch.ptrs[l])
    this.depth = arch.real.length
    this.bitShift = Int32Array.from(arch.real, (l) => arch.shift[l] - arch.pageShift)
    this.mask = Int32Array.from(arch.real, (l) => arch.ptrs[l] - 1)
    this.root = empty(frames.alloc(), this.depth === 1, this.ptrs[0] as number, this.owner)
  }

  protected idx(level: number, vpn: number): number {
    return Math.floor(vpn / (this.span[level] as number)) % (this.ptrs[level] as number)
  }

  /** Checks that `vpn` is a user page of this architecture. */
  check(vpn: number): SimError | undefined {
    if (!Number.isInteger(vpn) || vpn < 0 || vpn >= this.arch.userPages)
      return new SimError({
        kind: "BadAddress",
        rule: "P1",
        message: `page ${vpn} is outside the ${this.arch.userBits}-bit user address space`,
      })
    return undefined
  }

  /** The leaf table holding `vpn`, or undefined when a table is missing or a huge leaf maps it. */
  protected leafTable(vpn: number): Table | undefined {
    let t: Slot = this.root
    for (let l = 0; l < this.depth - 1 && isTable(t); l++)
      t = (t.children as Array<Slot>)[this.idx(l, vpn)]
    return isTable(t) ? t : undefined
  }

  /**
   * pte_offset + ptep_get: the leaf entry of `vpn`, 0 when none (a single read, P13). The hot
   * path splits the page number into 32-bit halves once; each index is then a shift and a mask.
   */
  read(vpn: number): number {
    return this.entryAt(vpn, false)
  }

  /** The leaf entry of `vpn` (0 when none); with `first`, a huge leaf only at its first page. */
  private entryAt(vpn: number, first: boolean): number {
    const lo = vpn >>> 0
    const hi = (vpn - lo) / 4294967296
    const last = this.depth - 1
    let t: Slot = this.root
    for (let l = 0; l <= last; l++) {
      const s = this.bitShift[l] as number
      const i =
        (s >= 32 ? hi >>> (s - 32) : s === 0 ? lo : (lo >>> s) | (hi << (32 - s))) &
        (this.mask[l] as number)
      if (l === last) return (t.leaves as Float64Array)[i] as number
      const next: Slot = (t.children as Array<Slot>)[i]
      if (next === undefined) return 0
      if (typeof next === "number") return !first || vpn % (this.span[l] as number) === 0 ? next : 0
      t = next
    }
    return 0
  }

  /** The table at real level `level` on the path of `vpn`, if it exists. */
  protected parentAt(vpn: number, level: number): Table | undefined {
    let t: Slot = this.root
    for (let l = 0; l < level && isTable(t); l++) t = (t.children as Array<Slot>)[this.idx(l, vpn)]
    return isTable(t) ? t : undefined
  }

  /**
   * Allocates the missing tables down to real level `level` on the path of `vpn` and returns
   * that table, with the kernel's pattern (P12): look at the parent entry, allocate only if it
   * is empty, check again before installing (nothing can race here; the concurrency layer models
   * that), and free the new table if the slot was filled meanwhile.
   */
  protected populateTo(vpn: number, level: number): Table {
    let t = this.root
    for (let l = 0; l < level; l++) {
      const children = t.children as Array<Slot>
      const i = this.idx(l, vpn)
      let next = children[i]
      // Unreachable from input: every caller refuses a huge leaf on the path (AlreadyMapped, P3)
      // or splits it before populating.
      if (typeof next === "number") throw new Error("populate through a huge leaf: split it first")
      if (next === undefined) {
        const fresh = empty(
          this.frames.alloc(),
          l + 1 === this.depth - 1,
          this.ptrs[l + 1] as number,
          this.owner,
        )
        if (children[i] === undefined) {
          children[i] = fresh
          t.used++
          this.tables++
          next = fresh
        } else {
          this.frames.put(fresh.pfn)
          next = children[i] as Table
        }
      }
      t = next
    }
    return t
  }

  /**
   * Copies the tables of [start, end) that a clone still shares, so that this page table can
   * change them in place (path copying: tables outside the range stay shared).
   */
  protected own(start: number, end: number): void {
    this.cachedDigest = undefined
    this.cachedEntries = undefined
    // A page table that was never cloned owns every table it has.
    if (!this.shared) return
    if (this.root.owner !== this.owner) this.root = this.copyTable(this.root)
    this.ownBelow(this.root, 0, 0, start, end)
  }

  /**
   * The slots of a table at `level` whose entries start at page `base` that overlap the pages
   * [start, end): the first and last index, and the pages one slot spans.
   */
  protected slotRange(level: number, base: number, start: number, end: number) {
    const span = this.span[level] as number
    const first = Math.max(0, Math.floor((start - base) / span))
    const last = Math.min((this.ptrs[level] as number) - 1, Math.floor((end - 1 - base) / span))
    return { first, last, span }
  }

  protected ownBelow(t: Table, level: number, base: number, start: number, end: number): void {
    if (level >= this.depth - 1) return
    const children = t.children as Array<Slot>
    const { first, last, span } = this.slotRange(level, base, start, end)
    for (let i = first; i <= last; i++) {
      const child = children[i]
      if (!isTable(child)) continue
      const mine = child.owner === this.owner ? child : this.copyTable(child)
      children[i] = mine
      this.ownBelow(mine, level + 1, base + i * span, start, end)
    }
  }

  protected copyTable(t: Table): Table {
    return {
      pfn: t.pfn,
      used: t.used,
      leaves: t.leaves ? t.leaves.slice() : null,
      children: t.children ? t.children.slice() : null,
      owner: this.owner,
    }
  }

  /**
   * Calls `f` on every leaf slot of [start, end) whose table exists: PTE slots (`huge` false),
   * and upper-level slots holding a huge leaf (`huge` true, `base` its first page).
   */
  protected visit(
    t: Table,
    level: number,
    base: number,
    start: number,
    end: number,
    f: (t: Table, i: number, huge: boolean, base: number, level: number) => void,
  ): void {
    const { first, last, span } = this.slotRange(level, base, start, end)
    for (let i = first; i <= last; i++) {
      if (level === this.depth - 1) f(t, i, false, base + i * span, level)
      else {
        const child = (t.children as Array<Slot>)[i]
        if (typeof child === "number") f(t, i, true, base + i * span, level)
        else if (child !== undefined && child.used > 0)
          this.visit(child, level + 1, base + i * span, start, end, f)
      }
    }
  }

  /** Number of leaf entries present in [start, end) (a huge leaf counts once). */
  countLeaves(start: number, end: number): number {
    let n = 0
    this.visit(this.root, 0, 0, start, end, (t, i, huge) => {
      if (huge || ((t.leaves as Float64Array)[i] as number) !== 0) n++
    })
    return n
  }

  /** Pages covered by one entry of the lowest upper level (a PMD entry when PMD is real). */
  get tableSpan(): number {
    return this.span[this.depth - 2] ?? this.arch.userPages
  }

  /** Every present leaf as [vpn, entry], in address order (for reference-model comparisons). */
  entries(): Array<[number, number]> {
    const out: Array<[number, number]> = []
    const rec = (t: Table, level: number, base: number) => {
      const span = this.span[level] as number
      // `used` counts the filled slots: the scan stops once it has met them all.
      let left = t.used
      if (level === this.depth - 1) {
        const leaves = t.leaves as Float64Array
        for (let i = 0; left > 0 && i < leaves.length; i++)
          if ((leaves[i] as number) !== 0) {
            out.push([base + i * span, leaves[i] as number])
            left--
          }
        return
      }
      const children = t.children as Array<Slot>
      for (let i = 0; left > 0 && i < children.length; i++) {
        const c = children[i]
        if (c !== undefined) left--
        if (typeof c === "number") out.push([base + i * span, c])
        else if (c !== undefined) rec(c, level + 1, base + i * span)
      }
    }
    rec(this.root, 0, 0)
    return out
  }

  /** Every present leaf as text, for state hashing (cached until the next change). */
  digest(): string {
    this.cachedDigest ??= this.leaves().join(";")
    return this.cachedDigest
  }

  /**
   * The digest of this page table with its pages renamed by `pages` (page -> page; pages it
   * does not name stay): the digest the renamed page table would have (for symmetry).
   */
  digestAs(pages: ReadonlyMap<number, number>): string {
    const list = this.leaves()
    // The renamed pages, in order (an insertion sort: the renaming moves a few pages).
    const at: Array<number> = []
    const order: Array<number> = []
    for (let i = 0; i < list.length; i++) {
      const vpn = (list[i] as readonly [number, number])[0]
      const v = pages.get(vpn) ?? vpn
      let j = i
      for (; j > 0 && (at[order[j - 1] as number] as number) > v; j--)
        order[j] = order[j - 1] as number
      order[j] = i
      at[i] = v
    }
    const out: Array<string> = []
    for (const i of order) out.push(`${at[i]},${(list[i] as readonly [number, number])[1]}`)
    return out.join(";")
  }

  /**
   * The leaf entry mapping page `vpn` as `entries` lists it (0 when none): a huge leaf only at
   * its first page.
   */
  leafAt(vpn: number): number {
    return this.entryAt(vpn, true)
  }

  /** `entries`, cached until the next change. */
  private leaves(): ReadonlyArray<readonly [number, number]> {
    this.cachedEntries ??= this.entries()
    return this.cachedEntries
  }

  /** The pfns of every page-table page, the PGD included. */
  tablePfns(): Array<number> {
    const out: Array<number> = []
    const rec = (t: Table) => {
      out.push(t.pfn)
      if (t.children) for (const c of t.children) if (isTable(c)) rec(c)
    }
    rec(this.root)
    return out
  }
}
