/**
 * A read/write semaphore with the kernel's semantics (L10): readers share, a writer is
 * exclusive, and a queued writer holds new readers back. Spinlocks and the generic lock
 * classes use it in write mode only. Misuse (recursion, unlock without lock, unlock in the
 * wrong mode) is returned as a message, never thrown, and changes nothing.
 *
 * @since 0.1.0
 */

/** A task waiting for the semaphore in a mode. */
export interface Waiter {
  readonly task: number
  readonly mode: "read" | "write"
}

/** The state of one semaphore. */
export interface Rwsem {
  readonly name: string
  readers: Array<number>
  writer: number | null
  waiters: Array<Waiter>
}

/** A new, free semaphore. */
export const make = (name: string): Rwsem => ({ name, readers: [], writer: null, waiters: [] })

/** The mode in which `task` holds `sem`, if it does. */
export const heldBy = (sem: Rwsem, task: number): "read" | "write" | undefined =>
  sem.writer === task ? "write" : sem.readers.includes(task) ? "read" : undefined

/** Could `mode` be granted right now, without queueing? (A queued writer blocks new readers.) */
export const available = (sem: Rwsem, mode: "read" | "write"): boolean =>
  mode === "read"
    ? sem.writer === null && !sem.waiters.some((w) => w.mode === "write")
    : sem.writer === null && sem.readers.length === 0

/** The result of trying to take a semaphore. */
export type Acquire = "acquired" | "blocked" | { readonly misuse: string }

/**
 * down_read / down_write: takes `sem` if available, else queues `task` (unless `tryOnly`, the
 * trylock forms, which just fail with "blocked" and do not queue).
 */
export const acquire = (
  sem: Rwsem,
  task: number,
  mode: "read" | "write",
  tryOnly = false,
): Acquire => {
  const held = heldBy(sem, task)
  if (held !== undefined) return { misuse: `recursive ${mode} lock of ${sem.name} (held ${held})` }
  if (available(sem, mode)) {
    if (mode === "read") sem.readers.push(task)
    else sem.writer = task
    return "acquired"
  }
  if (!tryOnly) sem.waiters.push({ task, mode })
  return "blocked"
}

/**
 * up_read / up_write: releases `sem` and grants it to the waiters at the head of the queue, in
 * order (one writer, or every reader up to the next writer). Returns the tasks granted.
 */
export const release = (
  sem: Rwsem,
  task: number,
  mode: "read" | "write",
): Array<Waiter> | { readonly misuse: string } => {
  const held = heldBy(sem, task)
  if (held === undefined) return { misuse: `unlock of ${sem.name}, which is not held` }
  if (held !== mode) return { misuse: `${mode} unlock of ${sem.name}, held in ${held} mode` }
  if (mode === "read") sem.readers.splice(sem.readers.indexOf(task), 1)
  else sem.writer = null
  return wake(sem)
}

/** Grants the semaphore to the head of the wait queue while possible. */
export const wake = (sem: Rwsem): Array<Waiter> => {
  const granted: Array<Waiter> = []
  while (sem.waiters.length > 0) {
    const head = sem.waiters[0] as Waiter
    const free =
      head.mode === "read" ? sem.writer === null : sem.writer === null && sem.readers.length === 0
    if (!free) break
    sem.waiters.shift()
    if (head.mode === "read") sem.readers.push(head.task)
    else sem.writer = head.task
    granted.push(head)
    if (head.mode === "write") break
  }
  return granted
}

/** downgrade_write: the writer becomes a reader; queued readers may join (V5). */
export const downgrade = (
  sem: Rwsem,
  task: number,
): Array<Waiter> | { readonly misuse: string } => {
  if (sem.writer !== task) return { misuse: `downgrade of ${sem.name}, not write-held` }
  sem.writer = null
  sem.readers.push(task)
  return wake(sem)
}
