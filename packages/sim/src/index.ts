/**
 * @mmguard/sim: a deterministic simulator of the Linux kernel's mm: folded page tables for real
 * architectures, address spaces, the rmap, the locks, simulated tasks and their checker.
 *
 * @since 0.1.0
 */

// --- data side (address spaces, rmap, page tables) ---
/** Architectures and their folding (P1). */
export * as Arch from "./Arch.js"
/** Reference-counted physical frames. */
export { Frames } from "./Frames.js"
/** The mm: page tables plus sorted VMAs. */
export { Mm, type VmaSpec } from "./Mm.js"
/** Page tables and leaf entries. */
export { PageTable, Pte, type WalkStep } from "./PageTable.js"
/** The reverse map. */
export * as Rmap from "./Rmap.js"
/** The simulator's error value. */
export { isSimError, SimError, type SimErrorKind } from "./SimError.js"
/** VMAs and their single field-write entry point. */
export * as Vma from "./Vma.js"

// --- concurrency side (locks, tasks, scheduler, checker, explorer, scenarios) ---
