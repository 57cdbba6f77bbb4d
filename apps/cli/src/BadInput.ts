/**
 * The one error of the command line: input it cannot use (unreadable file, no `paths` export,
 * unknown scenario, rule, flag or architecture). The command prints its message and exits 2.
 */
import * as Data from "effect/Data"

/** Input the command cannot use; `message` says what and how to fix it. */
export class BadInput extends Data.TaggedError("BadInput")<{ readonly message: string }> {}

/** Shorthand: a BadInput with this message. */
export const badInput = (message: string): BadInput => new BadInput({ message })
