/**
 * @mmguard/core: the Linux kernel's mm locking rules as data, and a typed SDK built on them.
 *
 * @since 0.1.0
 */

/** Run-time evaluation of the rule table. */
export * as Check from "./Check.js"
/** The rule table (RULES.md as data). */
export * as Rules from "./Rules.js"
