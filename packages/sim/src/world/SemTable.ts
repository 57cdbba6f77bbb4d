/**
 * The lock table of a world: one read/write semaphore (L10) per lock id, created on first use.
 * A fork shares the table with its parent; each side copies a semaphore the first time it
 * changes it, so a branch of the explorer costs only the locks its step touches.
 *
 * @since 0.2.0
 */
import * as Rwsem from "../Rwsem.js"

/** The semaphores of one world, by lock id. */
export class SemTable {
  private table = new Map<string, Rwsem.Rwsem>()
  private shared = false
  /** Forked: a semaphore is this table's own only once copied (listed in `owned`). */
  private forked = false
  /** After a fork: the semaphores this table has copied for itself (made on the first copy). */
  private owned: Set<string> | undefined
  /** The lock ids in sorted order, for digests (recomputed when the table grows). */
  private order: ReadonlyArray<string> = []
  /** The digest without renaming, until a semaphore may change (`get`). */
  private cached: string | undefined

  /** The semaphores by lock id (a read-only view). */
  get view(): ReadonlyMap<string, Rwsem.Rwsem> {
    return this.table
  }

  /** Semaphore `id`, created on first use, and this table's own (copied if a fork shares it). */
  get(id: string): Rwsem.Rwsem {
    // Every change to a semaphore goes through here: the digest may be stale from now on.
    this.cached = undefined
    const s = this.table.get(id)
    if (s !== undefined && (!this.forked || this.owned?.has(id) === true)) return s
    if (this.shared) {
      this.table = new Map(this.table)
      this.shared = false
    }
    const mine = s ? { ...s, readers: [...s.readers], waiters: [...s.waiters] } : Rwsem.make(id)
    this.table.set(id, mine)
    if (this.forked) {
      this.owned ??= new Set()
      this.owned.add(id)
    }
    return mine
  }

  /**
   * The wait queues, by lock id whatever the creation order (who holds a semaphore is in the
   * tasks' held lists; FIFO order decides who gets it next). With `slot`, task ids renamed by it.
   */
  digest(slot?: Int32Array): string {
    if (slot === undefined && this.cached !== undefined) return this.cached
    if (this.order.length !== this.table.size) this.order = [...this.table.keys()].sort()
    let out = ""
    for (const k of this.order) {
      const sem = this.table.get(k) as Rwsem.Rwsem
      if (sem.waiters.length === 0) continue
      out += k
      for (const w of sem.waiters) out += `/${slot ? slot[w.task] : w.task}${w.mode[0]}`
      out += ";"
    }
    if (slot === undefined) this.cached = out
    return out
  }

  /** A copy for a cloned world: both share every semaphore until one of them changes it. */
  fork(): SemTable {
    this.shared = true
    this.forked = true
    this.owned = undefined
    // Field by field, in the order the class declares them (one shape for every fork).
    const c = Object.create(SemTable.prototype) as SemTable
    c.table = this.table
    c.shared = true
    c.forked = true
    c.owned = undefined
    c.order = this.order
    c.cached = this.cached
    return c
  }
}
