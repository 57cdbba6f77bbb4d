/**
 * The errors the kernel service reports, each naming the rule it concerns.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"

/** A rule of RULES.md was broken at run time (the simulator's checker said so). */
export class RuleViolation extends Data.TaggedError("RuleViolation")<{
  readonly rule: string
  readonly message: string
}> {}

/** No VMA covers the address (find_vma / lock_vma_under_rcu found nothing). */
export class NoVma extends Data.TaggedError("NoVma")<{
  readonly addr: bigint
  readonly rule: "L6"
}> {}

/** A killable lock wait ended because the task was killed (-EINTR). */
export class Killed extends Data.TaggedError("Killed")<{ readonly rule: "L1" }> {}

/**
 * vma_start_write_killable was interrupted by a fatal signal (L11): it returned -EINTR, the VMA
 * is NOT write-locked, the mmap write lock is still held. Not a `KernelError`: the caller must
 * handle it inside the mmap write lock scope (the scope does not compile while it can escape).
 */
export class VmaStartWriteInterrupted extends Data.TaggedError("VmaStartWriteInterrupted")<{
  readonly rule: "L11"
  readonly errno: "EINTR"
}> {}

/** The VMA has no anon_vma (yet): nothing anonymous maps it, so no anon_vma lock exists (F9). */
export class NoAnonVma extends Data.TaggedError("NoAnonVma")<{
  readonly vma: number
  readonly rule: "F9"
}> {}

/** Any error of the kernel service. */
export type KernelError = RuleViolation | NoVma | Killed | NoAnonVma
