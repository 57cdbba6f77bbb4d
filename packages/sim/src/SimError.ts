/**
 * The simulator's error value. Operations return it instead of throwing: it names the rule the
 * input breaks, and the operation that returned it changed nothing.
 *
 * @since 0.1.0
 */

/** What went wrong, by category. */
export type SimErrorKind =
  | "InvalidArch"
  | "BadAddress"
  | "Misaligned"
  | "NoVma"
  | "VmaOverlap"
  | "NotMapped"
  | "AlreadyMapped"
  | "LeavesRemain"
  | "StillReachable"
  | "NoTable"
  | "TableNotEmpty"
  | "UnknownPfn"
  | "DoubleFree"
  | "NotHuge"

/** A rejected operation: its kind, the rule it breaks (e.g. "P7") and a readable message. */
export class SimError {
  readonly _tag = "SimError"
  readonly kind: SimErrorKind
  readonly rule: string
  readonly message: string
  constructor(args: { kind: SimErrorKind; rule: string; message: string }) {
    this.kind = args.kind
    this.rule = args.rule
    this.message = args.message
  }
}

/** Is `x` a SimError? */
export const isSimError = (x: unknown): x is SimError => x instanceof SimError
