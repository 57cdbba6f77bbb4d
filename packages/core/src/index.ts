/**
 * @mmguard/core: the Linux kernel's mm locking rules as data, and a typed SDK built on them.
 *
 * @since 0.1.0
 */

/** Branded addresses, pfns and page offsets. */
export * as Address from "./Address.js"

/** Atomic VMA field access (atomicLongSet, F6). */
export * from "./Atomic.js"
/** The rule catalogue: every rule ID of RULES.md with a one-line summary. */
export * as Catalogue from "./Catalogue.js"
/** Run-time evaluation of the rule table. */
export * as Check from "./Check.js"
/** The kernel service and its layer. */
export * as Kernel from "./Kernel.js"
/** Tagged errors of the kernel service. */
export * as KernelError from "./KernelError.js"
/** mmap lock scopes (mmapReadLock, mmapWriteLock, mmapWriteDowngrade, trylocks, ...). */
export * from "./Locks.js"
/** The mm handle. */
export * as Mm from "./Mm.js"
/** Page-table and VMA operations (installPte, zapRange, freePgtables, writeVma, ...). */
export * from "./Operations.js"
/** Lock order at compile time (O1-O4, L9, L10). */
export * as Order from "./Order.js"
/** Page table lock scopes and table handles (pteOffsetMapLock, pmdLock, pteOffsetMap, rcuReadLock). */
export * from "./PageTable.js"
/** Lock requirements as types, computed from the rule table. */
export * as Requirement from "./Requirement.js"
/** The rmap side: address_space and anon_vma handles, their locks and interval-tree walks. */
export * from "./Rmap.js"
/** The rule table (RULES.md as data). */
export * as Rules from "./Rules.js"
/** Scope identities and tokens (L5). */
export * as Scope from "./Scope.js"
/** VMA handles. */
export * as Vma from "./Vma.js"
/** VMA lock scopes (lockVmaUnderRcu, vmaStartReadLocked, vmaStartWrite, vmaStartWriteKillable). */
export * from "./VmaLocks.js"
