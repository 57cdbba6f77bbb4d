/**
 * Architectures as data (P1): page size, the bits each real page-table level translates, which
 * of the kernel's five levels are folded, where huge leaves may sit, the user address range
 * and whether PMD/PTE tables have split locks (P9). The eleven configurations of RULES.md ship
 * here; `define` validates a user-made one.
 *
 * @since 0.1.0
 */
import { SimError } from "./SimError.js"

/** The kernel's five page-table levels, top to leaf. */
export const Levels = ["pgd", "p4d", "pud", "pmd", "pte"] as const
/** One of the five levels. */
export type Level = (typeof Levels)[number]

/** What a user writes to describe an architecture. */
export interface ArchSpec {
  readonly name: string
  readonly pageShift: number
  /** Bits translated by each real (unfolded) level, top to leaf. */
  readonly bits: ReadonlyArray<number>
  /** The levels that are folded away; the others, in order, take `bits`. Never "pgd" or "pte". */
  readonly folded: ReadonlyArray<Level>
  /** Levels whose entries may be huge leaves (e.g. pmd for 2M pages). */
  readonly hugeLevels: ReadonlyArray<Level>
  /** Width of the user virtual address space: user addresses are [0, 2^userBits). */
  readonly userBits: number
  readonly splitPmdLock: boolean
  readonly splitPteLock: boolean
}

/** A validated architecture with the kernel's derived constants per level. */
export interface Arch extends ArchSpec {
  readonly pageSize: number
  /** *_SHIFT per level (a folded level has the shift of the level above it, as in the kernel). */
  readonly shift: Readonly<Record<Level, number>>
  /** PTRS_PER_* per level (1 for a folded level). */
  readonly ptrs: Readonly<Record<Level, number>>
  /** The unfolded levels, top to leaf. */
  readonly real: ReadonlyArray<Level>
  /** Number of pages in the user address space (2^(userBits - pageShift)). */
  readonly userPages: number
}

const derive = (spec: ArchSpec): Arch => {
  const real = Levels.filter((l) => !spec.folded.includes(l))
  const shift = {} as Record<Level, number>
  const ptrs = {} as Record<Level, number>
  let s = spec.pageShift
  // Walk leaf to top: each real level sits on top of the bits below it.
  for (let i = Levels.length - 1; i >= 0; i--) {
    const level = Levels[i] as Level
    const r = real.indexOf(level)
    if (r >= 0) {
      shift[level] = s
      ptrs[level] = 2 ** (spec.bits[r] as number)
      s += spec.bits[r] as number
    }
  }
  // A folded level has one entry and the shift of the level above it (pgtable-nop*d.h).
  for (let i = 1; i < Levels.length - 1; i++) {
    const level = Levels[i] as Level
    if (!real.includes(level)) {
      shift[level] = shift[Levels[i - 1] as Level]
      ptrs[level] = 1
    }
  }
  return {
    ...spec,
    pageSize: 2 ** spec.pageShift,
    shift,
    ptrs,
    real,
    userPages: 2 ** (spec.userBits - spec.pageShift),
  }
}

/** Validates a user-defined architecture; the error says which constraint fails. */
export const define = (spec: ArchSpec): Arch | SimError => {
  const bad = (message: string) => new SimError({ kind: "InvalidArch", rule: "P1", message })
  if (![12, 14, 16].includes(spec.pageShift))
    return bad(`${spec.name}: page shift ${spec.pageShift} is not 12, 14 or 16`)
  if (spec.folded.includes("pgd") || spec.folded.includes("pte"))
    return bad(`${spec.name}: the pgd and pte levels cannot be folded`)
  if (new Set(spec.folded).size !== spec.folded.length)
    return bad(`${spec.name}: a level is folded twice`)
  const real = Levels.length - spec.folded.length
  if (spec.bits.length !== real)
    return bad(`${spec.name}: ${real} unfolded levels but ${spec.bits.length} bit counts`)
  if (spec.bits.some((b) => !Number.isInteger(b) || b < 1 || b > 13))
    return bad(`${spec.name}: bits per level must be whole numbers from 1 to 13`)
  const total = spec.bits.reduce((a, b) => a + b, spec.pageShift)
  if (spec.userBits > total || spec.userBits < spec.pageShift + 1)
    return bad(`${spec.name}: ${spec.userBits} user bits do not fit ${total} translated bits`)
  if (total > 64) return bad(`${spec.name}: ${total} translated bits exceed 64`)
  if (spec.hugeLevels.some((l) => l === "pte" || l === "pgd" || spec.folded.includes(l)))
    return bad(`${spec.name}: huge leaves only at unfolded p4d, pud or pmd levels`)
  return derive(spec)
}

const arch = (spec: ArchSpec): Arch => {
  const a = define(spec)
  if (a instanceof SimError) throw new Error(a.message)
  return a
}

/** x86-64 with 4-level paging (48-bit VA, P4D folded). */
export const x86_64 = arch({
  name: "x86-64 4-level",
  pageShift: 12,
  bits: [9, 9, 9, 9],
  folded: ["p4d"],
  hugeLevels: ["pud", "pmd"],
  userBits: 47,
  splitPmdLock: true,
  splitPteLock: true,
})

/** x86-64 with LA57 5-level paging (57-bit VA). */
export const x86_64_la57 = arch({
  name: "x86-64 5-level",
  pageShift: 12,
  bits: [9, 9, 9, 9, 9],
  folded: [],
  hugeLevels: ["pud", "pmd"],
  userBits: 56,
  splitPmdLock: true,
  splitPteLock: true,
})

/** i386 without PAE: two levels of 10 bits (P4D, PUD and PMD folded). */
export const i386 = arch({
  name: "i386",
  pageShift: 12,
  bits: [10, 10],
  folded: ["p4d", "pud", "pmd"],
  hugeLevels: [],
  userBits: 31,
  splitPmdLock: false,
  splitPteLock: true,
})

/** i386 with PAE: 2/9/9 (P4D and PUD folded). */
export const i386_pae = arch({
  name: "i386 PAE",
  pageShift: 12,
  bits: [2, 9, 9],
  folded: ["p4d", "pud"],
  hugeLevels: ["pmd"],
  userBits: 31,
  splitPmdLock: true,
  splitPteLock: true,
})

/** arm64 with 4K pages and a 39-bit VA (3 levels). */
export const arm64_4k_39 = arch({
  name: "arm64 4K/39",
  pageShift: 12,
  bits: [9, 9, 9],
  folded: ["p4d", "pud"],
  hugeLevels: ["pmd"],
  userBits: 39,
  splitPmdLock: true,
  splitPteLock: true,
})

/** arm64 with 4K pages and a 48-bit VA (4 levels). */
export const arm64_4k_48 = arch({
  name: "arm64 4K/48",
  pageShift: 12,
  bits: [9, 9, 9, 9],
  folded: ["p4d"],
  hugeLevels: ["pud", "pmd"],
  userBits: 48,
  splitPmdLock: true,
  splitPteLock: true,
})

/** arm64 with 64K pages and a 42-bit VA (2 levels). */
export const arm64_64k_42 = arch({
  name: "arm64 64K/42",
  pageShift: 16,
  bits: [13, 13],
  folded: ["p4d", "pud", "pmd"],
  hugeLevels: [],
  userBits: 42,
  splitPmdLock: false,
  splitPteLock: true,
})

/** arm64 with 64K pages and a 52-bit VA (3 levels). */
export const arm64_64k_52 = arch({
  name: "arm64 64K/52",
  pageShift: 16,
  bits: [10, 13, 13],
  folded: ["p4d", "pud"],
  hugeLevels: ["pmd"],
  userBits: 52,
  splitPmdLock: true,
  splitPteLock: true,
})

/** RISC-V Sv39 (3 levels). */
export const riscv_sv39 = arch({
  name: "riscv sv39",
  pageShift: 12,
  bits: [9, 9, 9],
  folded: ["p4d", "pud"],
  hugeLevels: ["pmd"],
  userBits: 38,
  splitPmdLock: true,
  splitPteLock: true,
})

/** RISC-V Sv48 (4 levels). */
export const riscv_sv48 = arch({
  name: "riscv sv48",
  pageShift: 12,
  bits: [9, 9, 9, 9],
  folded: ["p4d"],
  hugeLevels: ["pud", "pmd"],
  userBits: 47,
  splitPmdLock: true,
  splitPteLock: true,
})

/** RISC-V Sv57 (5 levels). */
export const riscv_sv57 = arch({
  name: "riscv sv57",
  pageShift: 12,
  bits: [9, 9, 9, 9, 9],
  folded: [],
  hugeLevels: ["pud", "pmd"],
  userBits: 56,
  splitPmdLock: true,
  splitPteLock: true,
})

/** All shipped configurations. */
export const all: ReadonlyArray<Arch> = [
  x86_64,
  x86_64_la57,
  i386,
  i386_pae,
  arm64_4k_39,
  arm64_4k_48,
  arm64_64k_42,
  arm64_64k_52,
  riscv_sv39,
  riscv_sv48,
  riscv_sv57,
]

/** pgd_index: the PGD index of page number `vpn`. */
export const pgdIndex = (a: Arch, vpn: number): number => index(a, "pgd", vpn)
/** p4d_index (0 when P4D is folded). */
export const p4dIndex = (a: Arch, vpn: number): number => index(a, "p4d", vpn)
/** pud_index (0 when PUD is folded). */
export const pudIndex = (a: Arch, vpn: number): number => index(a, "pud", vpn)
/** pmd_index (0 when PMD is folded). */
export const pmdIndex = (a: Arch, vpn: number): number => index(a, "pmd", vpn)
/** pte_index. */
export const pteIndex = (a: Arch, vpn: number): number => index(a, "pte", vpn)

/** The index of page number `vpn` at `level` (pgd_index ... pte_index); 0 for a folded level. */
export const index = (a: Arch, level: Level, vpn: number): number =>
  Math.floor(vpn / 2 ** (a.shift[level] - a.pageShift)) % a.ptrs[level]
