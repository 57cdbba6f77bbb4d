/**
 * @mmguard/sim: a deterministic simulator of the Linux kernel's mm: folded page tables for real
 * architectures, address spaces, the rmap, the locks, simulated tasks and their checker.
 *
 * @since 0.1.0
 */

// --- data side (address spaces, rmap, page tables) ---
/** Architectures and their folding (P1). */
export * as Arch from "./Arch.js"
/** The interleaving explorer. */
export * as Explorer from "./Explorer.js"
/** Reference-counted physical frames. */
export { Frames } from "./Frames.js"
/** The simulator as core's Effect kernel layer. */
export * as KernelLayer from "./KernelLayer.js"
/** The world state machine, its checker and replay. */
export { orderedBefore } from "./Lockdep.js"
/** The mm: page tables plus sorted VMAs. */
export { Mm, type VmaSpec } from "./Mm.js"
/** Moves of the scheduler and explorer: a task, and an alternative (a kill in a killable wait). */
export * as Move from "./Move.js"
/** Page tables and leaf entries. */
export { type EntryRef, PageTable, Pte, type WalkStep } from "./PageTable.js"
/** Task programs as data. */
export * as Program from "./Program.js"
/** The reverse map. */
export * as Rmap from "./Rmap.js"
// --- concurrency side (locks, tasks, scheduler, checker, explorer, scenarios) ---
/** Read/write semaphores with kernel semantics (L10). */
export * as Rwsem from "./Rwsem.js"
/** The deterministic scheduler. */
export * as Scheduler from "./Scheduler.js"
/** The simulator's error value. */
export { isSimError, SimError, type SimErrorKind, type SimErrorSite } from "./SimError.js"
/** The kernel scenario library. */
export * as Scenarios from "./scenarios/index.js"
export type { Held, Task } from "./Task.js"
/** The one validator of world specs, programs, steps and schedules (effect/Schema + checks). */
export * as Validate from "./Validate.js"
/** VMAs and their single field-write entry point. */
export * as Vma from "./Vma.js"
export {
  type Footprint,
  replay,
  type StepOutcome,
  type Violation,
  type VmaSetup,
  World,
  type WorldSpec,
} from "./World.js"
