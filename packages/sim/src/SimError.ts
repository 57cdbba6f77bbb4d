/**
 * The simulator's error value. Operations return it instead of throwing: it names the rule the
 * input breaks (or the field that is malformed), and the operation that returned it changed
 * nothing. The only API that throws it is the `World` constructor (its companion `World.make`
 * returns it instead).
 *
 * @since 0.1.0
 */

/** What went wrong, by category. */
export type SimErrorKind =
  | "InvalidArch"
  /** A world spec that cannot be built: bad VMAs, unknown mm, duplicate names (`Validate`). */
  | "InvalidWorld"
  /** A task program that cannot run: unknown op / action / field / lock, missing label (`Validate`). */
  | "InvalidProgram"
  /** An explicit schedule naming a task (move) that does not exist (`Validate`). */
  | "InvalidSchedule"
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

/** Where in a world spec, program or schedule an input error sits. */
export interface SimErrorSite {
  /** Index of the task in the spec's `tasks`. */
  readonly task?: number
  /** Index of the step in that task's program. */
  readonly step?: number
  /** The path of the offending value from the root of the input, e.g. `["tasks", 1, "program", 3, "addr"]`. */
  readonly path?: ReadonlyArray<string | number>
}

/**
 * A rejected operation or input: its kind, the rule it breaks (e.g. "P7"; "input" when the input
 * is malformed without breaking a kernel rule), a readable message and, for input errors, where
 * the problem is (task, step, path).
 */
export class SimError implements SimErrorSite {
  readonly _tag = "SimError"
  readonly kind: SimErrorKind
  readonly rule: string
  readonly message: string
  readonly task?: number
  readonly step?: number
  readonly path?: ReadonlyArray<string | number>
  constructor(args: { kind: SimErrorKind; rule: string; message: string } & SimErrorSite) {
    this.kind = args.kind
    this.rule = args.rule
    this.message = args.message
    if (args.task !== undefined) this.task = args.task
    if (args.step !== undefined) this.step = args.step
    if (args.path !== undefined) this.path = args.path
  }
}

/** Is `x` a SimError? */
export const isSimError = (x: unknown): x is SimError => x instanceof SimError
