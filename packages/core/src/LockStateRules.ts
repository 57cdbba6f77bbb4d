/**
 * Two tables of the kernel document kept as data beside the rules: L8's valid lock states and
 * what each permits, and V5's exclusion table for the downgraded mmap lock. Part of `Rules`
 * (re-exported there); tests check the rows against the rule table.
 *
 * @since 0.3.0
 */

/** A row of the L8 table: a lock state and what it permits. `null` means "not held". */
export interface ValidStateRow {
  readonly mmap: ReadonlyArray<"read" | "write" | null>
  readonly vma: ReadonlyArray<"read" | "write" | null>
  readonly rmap: ReadonlyArray<"read" | "write" | null>
  readonly stable: boolean
  readonly read: boolean
  readonly writeMost: boolean
  readonly writeAll: boolean
}

/**
 * L8, the document's table "Examining all valid lock states". Each row lists the modes it
 * covers per lock; the verdicts must agree with evaluating readVma (L6), writeVmFlags (F3,
 * "most fields") and writeVmStart (F1, "all fields") on every covered state; a test proves it.
 */
export const ValidStates: ReadonlyArray<ValidStateRow> = [
  {
    mmap: [null],
    vma: [null],
    rmap: [null],
    stable: false,
    read: false,
    writeMost: false,
    writeAll: false,
  },
  {
    mmap: [null],
    vma: ["read"],
    rmap: [null],
    stable: true,
    read: true,
    writeMost: false,
    writeAll: false,
  },
  {
    mmap: [null],
    vma: [null],
    rmap: ["read", "write"],
    stable: true,
    read: true,
    writeMost: false,
    writeAll: false,
  },
  {
    mmap: ["read", "write"],
    vma: [null, "read"],
    rmap: [null, "read", "write"],
    stable: true,
    read: true,
    writeMost: false,
    writeAll: false,
  },
  {
    mmap: ["write"],
    vma: ["write"],
    rmap: [null, "read"],
    stable: true,
    read: true,
    writeMost: true,
    writeAll: false,
  },
  {
    mmap: ["write"],
    vma: ["write"],
    rmap: ["write"],
    stable: true,
    read: true,
    writeMost: true,
    writeAll: true,
  },
]

/** The exclusion table of V5: does holder mode `a` exclude a concurrent holder in mode `b`? */
export const DowngradeExclusion = {
  "R/R": false,
  "R/D": false,
  "R/W": true,
  "D/D": true,
  "D/W": true,
  "W/W": true,
} as const
