/**
 * Page tables of one mm for a given architecture (P1). Only unfolded levels have tables;
 * folded levels are reported by the walk and pass through, as in the kernel. Page numbers
 * (vpn = address >> PAGE_SHIFT) are plain numbers: 45 bits for a 57-bit address, exact in a
 * double. Leaf entries are numbers too: `pfn * 256 + flags` (see `Pte`).
 *
 * @since 0.1.0
 */
import { index, type Level, Levels } from "./Arch.js"
import type { Frames } from "./Frames.js"
import {
  type EntryRef,
  isTable,
  Pte,
  type Slot,
  type Table,
  type WalkStep,
} from "./pagetable/Entry.js"
import { Teardown } from "./pagetable/Teardown.js"
import { SimError } from "./SimError.js"

export { type EntryRef, Pte, type Table, type WalkStep } from "./pagetable/Entry.js"

/** The page tables of one address space. */
export class PageTable extends Teardown {
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
