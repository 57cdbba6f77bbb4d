/**
 * @mmguard/core: the Linux kernel's mm locking rules as data, and a typed SDK built on them.
 *
 * @since 0.1.0
 */

/** Branded addresses, pfns and page offsets. */
export * as Address from "./Address.js"

/** Run-time evaluation of the rule table. */
export * as Check from "./Check.js"
/** The kernel service and its layer. */
export * as Kernel from "./Kernel.js"
/** Tagged errors of the kernel service. */
export * as KernelError from "./KernelError.js"
/** Lock scopes (mmapReadLock, lockVmaUnderRcu, vmaStartWrite, pteOffsetMapLock, ...). */
export * from "./Locks.js"
/** The mm handle. */
export * as Mm from "./Mm.js"
/** Page-table and VMA operations (installPte, zapRange, freePgtables, writeVma, ...). */
export * from "./Operations.js"
/** Lock requirements as types, computed from the rule table. */
export * as Requirement from "./Requirement.js"
/** The rule table (RULES.md as data). */
export * as Rules from "./Rules.js"
/** VMA handles. */
export * as Vma from "./Vma.js"
