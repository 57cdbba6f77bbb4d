/**
 * Huge leaves (P1): a PMD or PUD entry that maps a whole aligned range, where the architecture
 * allows one; installing, splitting into the level below, and dropping them.
 *
 * @since 0.2.0
 */
import type { Level } from "../Arch.js"
import { SimError } from "../SimError.js"
import { empty, Pte, type Slot, type Table } from "./Entry.js"
import { TableStore } from "./Store.js"

/** Page tables with huge leaves. */
export abstract class HugeLeaves extends TableStore {
  /** Clears the huge leaf in `parent.children[i]`, dropping the reference of each of its pages. */
  protected dropHuge(parent: Table, i: number, pages: number): void {
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
  protected splitAt(parent: Table, i: number, level: number): void {
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
  protected hugeLevel(level: Level): number | SimError {
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
}
