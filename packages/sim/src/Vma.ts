/**
 * The simulated vm_area_struct. Every field write goes through `writeField`, which names the
 * field so the lock layer can check it against its row of core's rule table (F1-F9).
 *
 * @since 0.1.0
 */
import type { Rules } from "@mmguard/core"
import type { AddressSpace, AnonVma } from "./Rmap.js"

/** VMA flags (the writable __vm_flags, F3). */
export const VmFlags = [
  "read",
  "write",
  "exec",
  "shared",
  "mayread",
  "maywrite",
  "mayexec",
  "growsdown",
  "mixedmap",
  "io",
] as const

/** A VMA flag. */
export type VmFlag = (typeof VmFlags)[number]

/** A VMA of the simulator: [start, end) in page numbers, with its rmap links. */
export interface Vma {
  readonly id: number
  start: number
  end: number
  pgoff: number
  flags: ReadonlyArray<VmFlag>
  pageProt: number
  file: AddressSpace | undefined
  anonVma: AnonVma | undefined
  /** The config-specific and driver fields of F4-F8 (anon_name, vm_policy, numab_state, ...). */
  readonly extra: Partial<Record<Rules.VmaField, unknown>>
}

/** The fields `writeField` can change, mapped to the VMA's own properties. */
const own = {
  vm_start: "start",
  vm_end: "end",
  vm_pgoff: "pgoff",
  vm_flags: "flags",
  vm_page_prot: "pageProt",
  vm_file: "file",
} as const

/**
 * The one place where a VMA field changes. Callers check the field's rule first
 * (`Rules.VmaFields[field]` names the operation whose locks it needs).
 */
export const writeField = (vma: Vma, field: Rules.VmaField, value: unknown): void => {
  if (field in own)
    (vma as unknown as Record<string, unknown>)[own[field as keyof typeof own]] = value
  else vma.extra[field] = value
}

/** Do two VMAs have the attributes that let them merge (flags, file, anon_vma, contiguous pgoff)? */
export const compatible = (a: Vma, b: Vma): boolean =>
  a.end === b.start &&
  a.file === b.file &&
  a.anonVma === b.anonVma &&
  a.pageProt === b.pageProt &&
  a.flags.join() === b.flags.join() &&
  (a.file === undefined || a.pgoff + (a.end - a.start) === b.pgoff)
