/**
 * Branded scalars: virtual addresses, page-aligned addresses, page frame numbers and page
 * offsets. Each is a `bigint` (a 57-bit address does not fit a double) that only a validating
 * constructor can produce, so a raw number where an address is expected is a type error.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"

declare const VirtAddrBrand: unique symbol
declare const PageAlignedBrand: unique symbol
declare const PfnBrand: unique symbol
declare const PgOffBrand: unique symbol

/** A user virtual address (below 2^64). */
export type VirtAddr = bigint & { readonly [VirtAddrBrand]: "VirtAddr" }
/** A virtual address aligned to the page size: usable wherever a VirtAddr is. */
export type PageAddr = VirtAddr & { readonly [PageAlignedBrand]: "PageAligned" }
/** A physical page frame number. */
export type Pfn = bigint & { readonly [PfnBrand]: "Pfn" }
/** A page offset into a file or anon_vma (vm_pgoff units). */
export type PgOff = bigint & { readonly [PgOffBrand]: "PgOff" }

/** The default base page size (4 KiB), as used by x86-64, arm64 4K and riscv. */
export const PAGE_SIZE = 4096n

/** A value rejected by a constructor; `rule` names what it breaks. */
export class InvalidAddress extends Data.TaggedError("InvalidAddress")<{
  readonly value: bigint
  readonly reason: "negative" | "too-large" | "misaligned"
  readonly rule: "P1"
}> {}

const LIMIT = 1n << 64n

const validate = (value: bigint | number, alignment: bigint) => {
  const v = BigInt(value)
  if (v < 0n) return new InvalidAddress({ value: v, reason: "negative", rule: "P1" })
  if (v >= LIMIT) return new InvalidAddress({ value: v, reason: "too-large", rule: "P1" })
  if (v % alignment !== 0n)
    return new InvalidAddress({ value: v, reason: "misaligned", rule: "P1" })
  return v
}

const lift = <A>(r: bigint | InvalidAddress): Effect.Effect<A, InvalidAddress> =>
  typeof r === "bigint" ? Effect.succeed(r as A) : Effect.fail(r)

/** Validates a virtual address. */
export const virtAddr = (value: bigint | number): Effect.Effect<VirtAddr, InvalidAddress> =>
  lift(validate(value, 1n))

/** Validates a page-aligned virtual address (`pageSize` defaults to 4 KiB). */
export const pageAddr = (
  value: bigint | number,
  pageSize: bigint = PAGE_SIZE,
): Effect.Effect<PageAddr, InvalidAddress> => lift(validate(value, pageSize))

/** Validates a page frame number. */
export const pfn = (value: bigint | number): Effect.Effect<Pfn, InvalidAddress> =>
  lift(validate(value, 1n))

/** Validates a page offset. */
export const pgoff = (value: bigint | number): Effect.Effect<PgOff, InvalidAddress> =>
  lift(validate(value, 1n))

/** The page address `pages` pages after `a` (e.g. the end of a range); fails past 2^64. */
export const pagesAfter = (
  a: PageAddr,
  pages: bigint | number,
  pageSize: bigint = PAGE_SIZE,
): Effect.Effect<PageAddr, InvalidAddress> => pageAddr(a + BigInt(pages) * pageSize, pageSize)

/** Rounds a virtual address down to its page (always valid, so no error channel). */
export const pageOf = (addr: VirtAddr, pageSize: bigint = PAGE_SIZE): PageAddr =>
  (addr - (addr % pageSize)) as PageAddr
