/**
 * Page-table entries and table pages: the leaf entry format (`Pte`, P13), the table page of
 * one level, and the references a walk returns.
 *
 * @since 0.2.0
 */
import type { Level } from "../Arch.js"

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
export type Slot = Table | number | undefined

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

/** A new empty table page: child slots, or leaf entries at the PTE level. */
export const empty = (pfn: number, leaf: boolean, ptrs: number, owner: object): Table =>
  leaf
    ? { pfn, children: null, leaves: new Float64Array(ptrs), used: 0, owner }
    : { pfn, children: new Array<Slot>(ptrs), leaves: null, used: 0, owner }

/** Does the slot hold a lower table (not a huge leaf, not nothing)? */
export const isTable = (x: Slot): x is Table => typeof x === "object"

/** The page tables of one address space. */
