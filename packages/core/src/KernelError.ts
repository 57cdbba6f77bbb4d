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

/** Any error of the kernel service. */
export type KernelError = RuleViolation | NoVma | Killed
