/**
 * Page tables of one mm for a given architecture (P1). Only unfolded levels have tables;
 * folded levels are reported by the walk and pass through, as in the kernel. Page numbers
 * (vpn = address >> PAGE_SHIFT) are plain numbers: 45 bits for a 57-bit address, exact in a
 * double. Leaf entries are numbers too: `pfn * 256 + flags` (see `Pte`).
 *
 * @since 0.1.0
 */
import { type Arch, index, type Level, Levels } from "./Arch.js"
import type { Frames } from "./Frames.js"
import { SimError } from "./SimError.js"

/** Leaf entry bits and helpers (P13: entries are read and written as whole values). */
export const Pte = {
  PRESENT: 1,
  WRITE: 2,
  USER: 4,
  ACCESSED: 8,
  DIRTY: 16,
  SWAP: 32,
  MIGRATION: 64,
  /** A huge leaf at the PMD or PUD level (pmd_leaf / pud_leaf). */
  HUGE: 128,
  /** Builds an entry for `pfn` with `flags`. */
  make: (pfn: number, flags: number): number => pfn * 256 + flags,
  /** The pfn (or swap offset) of an entry. */
  pfn: (entry: number): number => Math.floor(entry / 256),
  /** The flag bits of an entry. */
  flags: (entry: number): number => entry % 256,
} as const

/** What an upper-level entry holds: a lower table, a huge leaf entry, or nothing. */
type Slot = Table | number | undefined

/**
 * One page-table page: child tables (upper levels) or leaf entries (the PTE level). `owner`
 * says which page table may change it in place; clones share tables until they write.
 */
export interface Table {
  readonly pfn: number
  readonly children: Array<Slot> | null
  readonly leaves: Float64Array | null
  used: number
  readonly owner: object
}

/** An entry of one level reached by pgdOffset ... pteOffsetMap. */
export interface EntryRef {
  readonly level: Level
  readonly vpn: number
  /** The real (unfolded) level number of `table`. */
  readonly real: number
  readonly table: Table
  readonly index: number
  /** True when `level` is folded: this is the entry of the level above, passed through. */
  readonly folded: boolean
}

/** One level as seen by a walk. */
export interface WalkStep {
  readonly level: Level
  readonly index: number
  readonly folded: boolean
  readonly present: boolean
  /** The walk ended here on a huge leaf (pmd_leaf / pud_leaf). */
  readonly huge?: boolean
}

const empty = (pfn: number, leaf: boolean, ptrs: number, owner: object): Table =>
  leaf
    ? { pfn, children: null, leaves: new Float64Array(ptrs), used: 0, owner }
    : { pfn, children: new Array<Slot>(ptrs), leaves: null, used: 0, owner }

const isTable = (x: Slot): x is Table => typeof x === "object"

/** The page tables of one address space. */
export class PageTable {
  readonly arch: Arch
  readonly frames: Frames
  private root: Table
  /** The token of the tables this page table may change in place (see `Table.owner`). */
  private owner: object = {}
  /** Set once cloned: from then on some tables may be shared with another page table. */
  private shared = false
  private cachedDigest: string | undefined
  /** Page numbers covered by one entry, per real level. */
  private readonly span: ReadonlyArray<number>
  private readonly ptrs: ReadonlyArray<number>
  private readonly depth: number
  /** Per real level: the index's bit offset in the page number, and its mask (fast path). */
  private readonly bitShift: Int32Array
  private readonly mask: Int32Array
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

  private idx(level: number, vpn: number): number {
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
  private leafTable(vpn: number): Table | undefined {
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
      if (typeof next === "number") return next
      t = next
    }
    return 0
  }

  /**
   * pgd_offset: the PGD entry of `vpn`. With `p4dOffset`, `pudOffset`, `pmdOffset` and
   * `pteOffsetMap` it walks the five kernel levels one by one; a folded level returns the
   * entry above it unchanged (marked `folded`), as the kernel's pass-through helpers do.
   */
  pgdOffset(vpn: number): EntryRef {
    return { level: "pgd", vpn, real: 0, table: this.root, index: this.idx(0, vpn), folded: false }
  }

  private descend(ref: EntryRef | undefined, level: Level): EntryRef | undefined {
    if (ref === undefined) return undefined
    if (!this.arch.real.includes(level)) return { ...ref, level, folded: true }
    const slot = ref.table.children?.[ref.index]
    if (!isTable(slot)) return undefined
    const real = ref.real + 1
    return { level, vpn: ref.vpn, real, table: slot, index: this.idx(real, ref.vpn), folded: false }
  }

  /** p4d_offset: the P4D entry under `pgd` (the PGD entry itself when P4D is folded). */
  p4dOffset(pgd: EntryRef): EntryRef | undefined {
    return this.descend(pgd, "p4d")
  }

  /** pud_offset: the PUD entry under `p4d`, or undefined when no table is installed there. */
  pudOffset(p4d: EntryRef | undefined): EntryRef | undefined {
    return this.descend(p4d, "pud")
  }

  /** pmd_offset: the PMD entry under `pud`, or undefined when no table is installed there. */
  pmdOffset(pud: EntryRef | undefined): EntryRef | undefined {
    return this.descend(pud, "pmd")
  }

  /** pte_offset_map: the PTE under `pmd`; undefined when the PMD entry is none or a huge leaf. */
  pteOffsetMap(pmd: EntryRef | undefined): EntryRef | undefined {
    return this.descend(pmd, "pte")
  }

  /**
   * The page-frame number of the PTE table mapping `vpn` (what pte_lockptr keys the split PTE
   * lock on), or undefined when the PMD entry is none or a huge leaf.
   */
  pteTablePfn(vpn: number): number | undefined {
    return this.depth < 2 ? undefined : this.leafTable(vpn)?.pfn
  }

  /**
   * The pfn of the PMD table on the path of `vpn` (what pmd_lockptr keys the split PMD lock
   * on), or undefined when the PMD level is folded or its table is not allocated.
   */
  pmdTablePfn(vpn: number): number | undefined {
    const l = this.arch.real.indexOf("pmd")
    return l < 0 || l >= this.depth - 1 ? undefined : this.parentAt(vpn, l)?.pfn
  }

  /**
   * pmd_alloc: makes sure the PMD table on the path of `vpn` exists (P12) and returns its pfn.
   * Refuses where the PMD level is folded or a huge PUD leaf maps `vpn`.
   */
  pmdAlloc(vpn: number): number | SimError {
    const bad = this.check(vpn)
    if (bad) return bad
    const l = this.arch.real.indexOf("pmd")
    if (l < 0 || l >= this.depth - 1)
      return new SimError({ kind: "NoTable", rule: "P1", message: "the PMD level is folded here" })
    const have = this.pmdTablePfn(vpn)
    if (have !== undefined) return have
    for (let t: Slot = this.root, k = 0; k < l && isTable(t); k++) {
      t = (t.children as Array<Slot>)[this.idx(k, vpn)]
      if (typeof t === "number")
        return new SimError({
          kind: "AlreadyMapped",
          rule: "P3",
          message: `a huge leaf maps ${vpn}`,
        })
    }
    this.own(vpn, vpn + 1)
    return this.populateTo(vpn, l).pfn
  }

  /**
   * pte_alloc: makes sure a PTE table maps `vpn`, allocating the missing tables on its path
   * (P12), and returns its pfn. Refuses where a huge leaf maps `vpn` (split it first).
   */
  pteAlloc(vpn: number): number | SimError {
    const bad = this.check(vpn)
    if (bad) return bad
    if (this.depth < 2)
      return new SimError({ kind: "NoTable", rule: "P1", message: "no PTE tables when folded" })
    const have = this.pteTablePfn(vpn)
    if (have !== undefined) return have
    for (let t: Slot = this.root, l = 0; l < this.depth - 1 && isTable(t); l++) {
      t = (t.children as Array<Slot>)[this.idx(l, vpn)]
      if (typeof t === "number")
        return new SimError({
          kind: "AlreadyMapped",
          rule: "P3",
          message: `a huge leaf maps ${vpn}`,
        })
    }
    this.own(vpn, vpn + 1)
    return this.populateTo(vpn, this.depth - 1).pfn
  }

  /** pXXp_get: the value of an entry: a leaf entry, "table" for a lower table, 0 when none. */
  entryOf(ref: EntryRef): number | "table" {
    if (ref.table.leaves) return ref.table.leaves[ref.index] as number
    const slot = ref.table.children?.[ref.index]
    return slot === undefined ? 0 : typeof slot === "number" ? slot : "table"
  }

  /** Walks `vpn` through all five levels, reporting each one and whether it is folded (P1, P2). */
  walk(vpn: number): ReadonlyArray<WalkStep> {
    const steps: Array<WalkStep> = []
    let t: Table | undefined = this.root
    let r = 0
    for (const level of Levels) {
      const folded = !this.arch.real.includes(level)
      if (folded) {
        steps.push({ level, index: 0, folded, present: t !== undefined })
        continue
      }
      const i = this.idx(r, vpn)
      const slot: Slot | number =
        t === undefined
          ? undefined
          : r === this.depth - 1
            ? (t.leaves as Float64Array)[i]
            : (t.children as Array<Slot>)[i]
      const present = slot !== undefined && slot !== 0
      const huge = typeof slot === "number" && r < this.depth - 1
      steps.push({
        level,
        index: index(this.arch, level, vpn),
        folded,
        present,
        ...(huge ? { huge } : {}),
      })
      // A huge leaf ends the walk (pmd_leaf / pud_leaf): the levels below are not visited.
      if (huge) break
      t = isTable(slot) ? slot : undefined
      r++
    }
    return steps
  }

  /** set_pte_at: installs `entry` at `vpn`, which must be empty (P3). Takes a ref on its pfn. */
  install(vpn: number, entry: number): SimError | undefined {
    const bad = this.check(vpn)
    if (bad) return bad
    if (this.read(vpn) !== 0)
      return new SimError({ kind: "AlreadyMapped", rule: "P3", message: `page ${vpn} is mapped` })
    if (Pte.flags(entry) & Pte.PRESENT) {
      const err = this.frames.get(Pte.pfn(entry))
      if (err) return err
    }
    this.own(vpn, vpn + 1)
    const t = this.populateTo(vpn, this.depth - 1)
    ;(t.leaves as Float64Array)[this.idx(this.depth - 1, vpn)] = entry
    t.used++
    return undefined
  }

  /**
   * Rewrites the flag bits of a present entry (accessed/dirty, P5), keeping its pfn: the PTE, or
   * the huge PMD/PUD leaf that maps `vpn`.
   */
  setFlags(vpn: number, flags: number): SimError | undefined {
    this.own(vpn, vpn + 1)
    // A huge leaf on the path is changed in place, keeping its HUGE bit (pmdp_set_access_flags).
    let t: Table = this.root
    for (let l = 0; l < this.depth - 1; l++) {
      const children = t.children as Array<Slot>
      const i = this.idx(l, vpn)
      const next = children[i]
      if (typeof next === "number") {
        children[i] = Pte.make(Pte.pfn(next), flags | Pte.HUGE)
        return undefined
      }
      if (next === undefined) break
      t = next
    }
    const leaf = this.leafTable(vpn)
    const i = this.idx(this.depth - 1, vpn)
    const old = leaf === undefined ? 0 : ((leaf.leaves as Float64Array)[i] as number)
    if (old === 0 || leaf === undefined)
      return new SimError({ kind: "NotMapped", rule: "P5", message: `page ${vpn} is not mapped` })
    ;(leaf.leaves as Float64Array)[i] = Pte.make(Pte.pfn(old), flags)
    return undefined
  }

  /** ptep_get_and_clear: clears the entry atomically and returns the old value (P13). */
  getAndClear(vpn: number): number {
    this.own(vpn, vpn + 1)
    const t = this.leafTable(vpn)
    if (t === undefined) return 0
    const leaves = t.leaves as Float64Array
    const i = this.idx(this.depth - 1, vpn)
    const old = leaves[i] as number
    if (old !== 0) {
      leaves[i] = 0
      t.used--
      if (Pte.flags(old) & Pte.PRESENT) this.frames.put(Pte.pfn(old))
    }
    return old
  }

  /**
   * Zaps the leaves of [start, end) (P4): entries cleared, references dropped, tables kept. A
   * huge leaf inside the range goes whole; one only partly inside is split first.
   */
  zap(start: number, end: number): number {
    this.own(start, end)
    let cleared = 0
    this.visit(this.root, 0, 0, start, end, (t, i, huge, base, level) => {
      if (huge) {
        const span = this.span[level] as number
        if (base >= start && base + span <= end) {
          this.dropHuge(t, i, span)
          cleared++
        } else {
          this.splitAt(t, i, level)
          cleared += this.zap(Math.max(start, base), Math.min(end, base + span))
        }
        return
      }
      const leaves = t.leaves as Float64Array
      const old = leaves[i] as number
      if (old === 0) return
      leaves[i] = 0
      t.used--
      cleared++
      if (Pte.flags(old) & Pte.PRESENT) this.frames.put(Pte.pfn(old))
    })
    return cleared
  }

  /**
   * Calls `f` on every leaf slot of [start, end) whose table exists: PTE slots (`huge` false),
   * and upper-level slots holding a huge leaf (`huge` true, `base` its first page).
   */
  private visit(
    t: Table,
    level: number,
    base: number,
    start: number,
    end: number,
    f: (t: Table, i: number, huge: boolean, base: number, level: number) => void,
  ): void {
    const span = this.span[level] as number
    const ptrs = this.ptrs[level] as number
    const first = Math.max(0, Math.floor((start - base) / span))
    const last = Math.min(ptrs - 1, Math.floor((end - 1 - base) / span))
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

  /** Clears the huge leaf in `parent.children[i]`, dropping the reference of each of its pages. */
  private dropHuge(parent: Table, i: number, pages: number): void {
    const entry = (parent.children as Array<Slot>)[i] as number
    ;(parent.children as Array<Slot>)[i] = undefined
    parent.used--
    if (Pte.flags(entry) & Pte.PRESENT)
      for (let k = 0; k < pages; k++) this.frames.put(Pte.pfn(entry) + k)
  }

  /**
   * Splits the huge leaf in `parent.children[i]` (a slot of real level `level`) into a table of
   * the level below mapping the same pages with the same bits: PTEs, or smaller huge leaves.
   */
  private splitAt(parent: Table, i: number, level: number): void {
    const entry = (parent.children as Array<Slot>)[i] as number
    const below = level + 1
    const leaf = below === this.depth - 1
    const table = empty(this.frames.alloc(), leaf, this.ptrs[below] as number, this.owner)
    const step = this.span[below] as number
    const flags = leaf ? Pte.flags(entry) & ~Pte.HUGE : Pte.flags(entry)
    for (let k = 0; k < (this.ptrs[below] as number); k++) {
      const e = Pte.make(Pte.pfn(entry) + k * step, flags)
      if (leaf) (table.leaves as Float64Array)[k] = e
      else (table.children as Array<Slot>)[k] = e
    }
    table.used = this.ptrs[below] as number
    ;(parent.children as Array<Slot>)[i] = table
    this.tables++
  }

  /** The real-level number of `level`, if huge leaves may sit there on this architecture. */
  private hugeLevel(level: Level): number | SimError {
    const l = this.arch.real.indexOf(level)
    if (!this.arch.hugeLevels.includes(level) || l < 0 || l >= this.depth - 1)
      return new SimError({
        kind: "NotHuge",
        rule: "P1",
        message: `${this.arch.name} has no huge leaves at ${level}`,
      })
    return l
  }

  /**
   * Installs a huge leaf at `level` ("pmd" or "pud") mapping `span` pages from `entry`'s pfn
   * (P1: only where the architecture allows; `vpn` aligned; the slot empty, not even a table).
   * Takes a reference on each of the pages.
   */
  installHuge(vpn: number, level: Level, entry: number): SimError | undefined {
    const l = this.hugeLevel(level)
    if (typeof l !== "number") return l
    const span = this.span[l] as number
    const bad = this.check(vpn) ?? this.check(vpn + span - 1)
    if (bad) return bad
    if (vpn % span !== 0)
      return new SimError({
        kind: "Misaligned",
        rule: "P1",
        message: `a ${level} leaf needs a ${span}-page aligned address`,
      })
    let t = this.root
    for (let k = 0; k < l; k++) {
      const next = (t.children as Array<Slot>)[this.idx(k, vpn)]
      if (typeof next === "number")
        return new SimError({ kind: "AlreadyMapped", rule: "P3", message: `page ${vpn} is mapped` })
      if (next === undefined) break
      t = next
    }
    if (
      this.countLeaves(vpn, vpn + span) > 0 ||
      this.parentAt(vpn, l)?.children?.[this.idx(l, vpn)] !== undefined
    )
      return new SimError({
        kind: "AlreadyMapped",
        rule: "P3",
        message: `the ${level} slot of page ${vpn} is in use`,
      })
    if (Pte.flags(entry) & Pte.PRESENT)
      for (let k = 0; k < span; k++)
        if (this.frames.count(Pte.pfn(entry) + k) === 0)
          return new SimError({
            kind: "UnknownPfn",
            rule: "P3",
            message: `pfn ${Pte.pfn(entry) + k} is not allocated`,
          })
    if (Pte.flags(entry) & Pte.PRESENT)
      for (let k = 0; k < span; k++) this.frames.get(Pte.pfn(entry) + k)
    this.own(vpn, vpn + 1)
    const parent = this.populateTo(vpn, l)
    ;(parent.children as Array<Slot>)[this.idx(l, vpn)] = Pte.make(
      Pte.pfn(entry),
      Pte.flags(entry) | Pte.HUGE,
    )
    parent.used++
    return undefined
  }

  /** split_huge_pmd / split_huge_pud: turns the huge leaf covering `vpn` into a table below it. */
  splitHuge(vpn: number): SimError | undefined {
    this.own(vpn, vpn + 1)
    let t = this.root
    for (let l = 0; l < this.depth - 1; l++) {
      const i = this.idx(l, vpn)
      const next = (t.children as Array<Slot>)[i]
      if (typeof next === "number") {
        this.splitAt(t, i, l)
        return undefined
      }
      if (next === undefined) break
      t = next
    }
    return new SimError({ kind: "NotHuge", rule: "P1", message: `no huge leaf maps page ${vpn}` })
  }

  /**
   * Copies the tables of [start, end) that a clone still shares, so that this page table can
   * change them in place (path copying: tables outside the range stay shared).
   */
  private own(start: number, end: number): void {
    this.cachedDigest = undefined
    // A page table that was never cloned owns every table it has.
    if (!this.shared) return
    if (this.root.owner !== this.owner) this.root = this.copyTable(this.root)
    this.ownBelow(this.root, 0, 0, start, end)
  }

  private ownBelow(t: Table, level: number, base: number, start: number, end: number): void {
    if (level >= this.depth - 1) return
    const children = t.children as Array<Slot>
    const span = this.span[level] as number
    const first = Math.max(0, Math.floor((start - base) / span))
    const last = Math.min((this.ptrs[level] as number) - 1, Math.floor((end - 1 - base) / span))
    for (let i = first; i <= last; i++) {
      const child = children[i]
      if (!isTable(child)) continue
      const mine = child.owner === this.owner ? child : this.copyTable(child)
      children[i] = mine
      this.ownBelow(mine, level + 1, base + i * span, start, end)
    }
  }

  private copyTable(t: Table): Table {
    return {
      pfn: t.pfn,
      used: t.used,
      leaves: t.leaves ? t.leaves.slice() : null,
      children: t.children ? t.children.slice() : null,
      owner: this.owner,
    }
  }

  /** The table at real level `level` on the path of `vpn`, if it exists. */
  private parentAt(vpn: number, level: number): Table | undefined {
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
  private populateTo(vpn: number, level: number): Table {
    let t = this.root
    for (let l = 0; l < level; l++) {
      const children = t.children as Array<Slot>
      const i = this.idx(l, vpn)
      let next = children[i]
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

  /** Number of leaf entries present in [start, end) (a huge leaf counts once). */
  countLeaves(start: number, end: number): number {
    let n = 0
    this.visit(this.root, 0, 0, start, end, (t, i, huge) => {
      if (huge || ((t.leaves as Float64Array)[i] as number) !== 0) n++
    })
    return n
  }

  /**
   * free_pgtables for [start, end) (P7): frees every table whose whole span lies in the range.
   * Refuses, changing nothing, while leaves remain. Reachability through the rmap is checked by
   * the caller (Mm), which knows the VMAs.
   */
  freeTables(start: number, end: number): SimError | number {
    const left = this.countLeaves(start, end)
    if (left > 0)
      return new SimError({
        kind: "LeavesRemain",
        rule: "P7",
        message: `${left} entries still mapped in the range: zap it first`,
      })
    const before = this.tables
    this.own(start, end)
    this.prune(this.root, 0, 0, start, end)
    return before - this.tables
  }

  private prune(t: Table, level: number, base: number, start: number, end: number): void {
    if (level >= this.depth - 1) return
    const children = t.children as Array<Slot>
    const span = this.span[level] as number
    const first = Math.max(0, Math.floor((start - base) / span))
    const last = Math.min((this.ptrs[level] as number) - 1, Math.floor((end - 1 - base) / span))
    for (let i = first; i <= last; i++) {
      const child = children[i]
      if (!isTable(child)) continue
      const lo = base + i * span
      this.prune(child, level + 1, lo, start, end)
      if (lo >= start && lo + span <= end && child.used === 0) {
        children[i] = undefined
        t.used--
        this.tables--
        this.frames.put(child.pfn)
      }
    }
  }

  /** Pages covered by one entry of the lowest upper level (a PMD entry when PMD is real). */
  get tableSpan(): number {
    return this.span[this.depth - 2] ?? this.arch.userPages
  }

  /**
   * move_page_tables (P14): moves [from, from + pages) to `to` by moving upper-level entries,
   * never leaf entries: at the highest level whose span all three are aligned to (a PUD entry
   * when 1 GiB-aligned, like move_normal_pud; else PMD entries, like move_normal_pmd). Every
   * destination entry must be empty, not even an empty table; nothing changes otherwise.
   */
  moveTables(from: number, to: number, pages: number): SimError | undefined {
    let level = this.depth - 2
    while (level > 0) {
      const up = this.span[level - 1] as number
      if (from % up || to % up || pages % up) break
      level--
    }
    const span = this.span[level] ?? this.tableSpan
    if (this.depth < 2 || from % span || to % span || pages % span)
      return new SimError({
        kind: "Misaligned",
        rule: "P14",
        message: `moves go by whole leaf tables of ${this.tableSpan} pages`,
      })
    const bad = this.check(from) ?? this.check(to) ?? this.check(to + pages - 1)
    if (bad) return bad
    if (this.countLeaves(to, to + pages) > 0 || (to < from + pages && from < to + pages))
      return new SimError({ kind: "AlreadyMapped", rule: "P14", message: "target range not empty" })
    const slot = (vpn: number) => this.parentAt(vpn, level)?.children?.[this.idx(level, vpn)]
    for (let off = 0; off < pages; off += span)
      if (slot(to + off) !== undefined)
        return new SimError({
          kind: "AlreadyMapped",
          rule: "P14",
          message: `a table is still installed at page ${to + off}`,
        })
    this.own(from, from + pages)
    this.own(to, to + pages)
    for (let off = 0; off < pages; off += span) {
      const src = this.parentAt(from + off, level)
      const moved = slot(from + off)
      if (src === undefined || moved === undefined) continue
      ;(src.children as Array<Slot>)[this.idx(level, from + off)] = undefined
      src.used--
      const dst = this.populateTo(to + off, level)
      ;(dst.children as Array<Slot>)[this.idx(level, to + off)] = moved
      dst.used++
    }
    return undefined
  }

  /**
   * retract_page_tables (P10, P15): unlinks the empty leaf table of `vpn` from its parent and
   * defers freeing it to an RCU grace period, so lockless walkers still inside RCU stay safe.
   */
  retract(vpn: number): SimError | undefined {
    this.own(vpn, vpn + 1)
    const parent = this.parentAt(vpn, this.depth - 2)
    const i = this.idx(this.depth - 2, vpn)
    const table = parent?.children?.[i]
    if (this.depth < 2 || parent === undefined || !isTable(table))
      return new SimError({ kind: "NoTable", rule: "P15", message: `no leaf table at page ${vpn}` })
    if (table.used > 0)
      return new SimError({
        kind: "TableNotEmpty",
        rule: "P15",
        message: `the leaf table still maps ${table.used} pages`,
      })
    ;(parent.children as Array<Slot>)[i] = undefined
    parent.used--
    this.tables--
    this.frames.deferFree(table.pfn)
    return undefined
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
    this.cachedDigest ??= this.entries().join(";")
    return this.cachedDigest
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

  /**
   * A copy on the given frames (clone those first). The two share their tables until either
   * writes: a write copies only the tables on its path (see `own`).
   */
  clone(frames: Frames): PageTable {
    const c = Object.create(PageTable.prototype) as PageTable
    Object.assign(c, this, { frames, owner: {}, shared: true })
    this.owner = {}
    this.shared = true
    return c
  }
}
