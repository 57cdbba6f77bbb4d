/**
 * @mmguard/sim: a deterministic simulator of the Linux kernel's mm: folded page tables for real
 * architectures, address spaces, the rmap, the locks, simulated tasks and their checker.
 *
 * @since 0.1.0
 */

// --- data side (address spaces, rmap, page tables) ---

// --- concurrency side (locks, tasks, scheduler, checker, explorer, scenarios) ---
