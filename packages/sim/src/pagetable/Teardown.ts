/**
 * Tearing page tables down and moving them: zapping leaves (P4), free_pgtables (P7),
 * move_page_tables (P14), and retracting an empty PTE table with an RCU-deferred free (P10, P15).
 *
 * @since 0.2.0
 */
import { SimError } from "../SimError.js"
import { isTable, Pte, type Slot, type Table } from "./Entry.js"
import { HugeLeaves } from "./Huge.js"

/** Page tables that can be zapped, freed, moved and retracted. */
export abstract class Teardown extends HugeLeaves {
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

  protected prune(t: Table, level: number, base: number, start: number, end: number): void {
    if (level >= this.depth - 1) return
    const children = t.children as Array<Slot>
    const { first, last, span } = this.slotRange(level, base, start, end)
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
}
