/**
 * Long digest parts (memory, lockdep history, a task's part) stand in a state key as the number
 * an interner gives them; `Numbered` remembers that number's text with the part, so a part
 * that did not change is not looked up again.
 *
 * @since 0.3.0
 */

/** A part of a fingerprint, and the number one interner gave it, as text. */
export interface Numbered {
  readonly by: (part: string) => number
  readonly part: string
  /** The number with the separators around it in the key. */
  readonly text: string
}

/**
 * `intern(part)` as text between `before` and `after` (a caller always passes the same two):
 * `known` when it was made by `intern` for this part, else made anew.
 */
export const numbered = (
  known: Numbered | undefined,
  part: string,
  intern: (part: string) => number,
  before = "",
  after = "",
): Numbered =>
  known !== undefined && known.by === intern && known.part === part
    ? known
    : { by: intern, part, text: `${before}${intern(part)}${after}` }
