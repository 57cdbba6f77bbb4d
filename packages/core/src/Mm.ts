/**
 * The mm handle: one address space, with a compile-time identity. A lock scope of mm `"a"`
 * never discharges a requirement of mm `"b"`.
 *
 * @since 0.1.0
 */

/** An address space (mm_struct) whose identity `Id` is a string literal type. */
export interface Mm<Id extends string> {
  readonly _tag: "Mm"
  readonly id: Id
}

/** Names an address space. Pass a literal: its type is the mm's identity. */
export const make = <const Id extends string>(id: Id): Mm<Id> => ({ _tag: "Mm", id })

/** The kernel's own address space: its mmap lock serialises kernel page-table walks (P6). */
export const initMm: Mm<"init_mm"> = make("init_mm")
