/**
 * The lock table of a world: one read/write semaphore (L10) per lock id, created on first use.
 * A fork shares the table with its parent; each side copies a semaphore the first time it
 * changes it, so a branch of the explorer costs only the locks its step touches.
 *
 * The semaphores a table shares sit in a map nobody changes (`base`); its own copies sit in a
 * small map beside it (`own`). A fork joins the two into a new shared map for both sides, once:
 * the explorer forks a state once per move from it, and every fork after the first finds
 * nothing of its own to join.
 *
 * @since 0.2.0
 */
import * as Rwsem from "../Rwsem.js"

/** The semaphores of one world, by lock id. */
export class SemTable {
  /** Semaphores shared with forks: never changed, only replaced. */
  private base = new Map<string, Rwsem.Rwsem>()
  /** The semaphores this table has copied or made since it last forked (undefined: none). */
  private own: Map<string, Rwsem.Rwsem> | undefined
  /** How many lock ids `own` has that `base` has not. */
  private added = 0
  /** The lock ids in sorted order, for digests (recomputed when the table grows). */
  private order: ReadonlyArray<string> = []
  /** The digest without renaming, until a semaphore may change (`get`). */
  private cached: string | undefined

  /** The semaphores by lock id (a read-only view). */
  get view(): ReadonlyMap<string, Rwsem.Rwsem> {
    this.settle()
    return this.base
  }

  /** Semaphore `id` to read, or undefined when no step has used it yet. */
  peek(id: string): Rwsem.Rwsem | undefined {
    return this.own?.get(id) ?? this.base.get(id)
  }

  /** Semaphore `id`, created on first use, and this table's own (copied if a fork shares it). */
  get(id: string): Rwsem.Rwsem {
    // Every change to a semaphore goes through here: the digest may be stale from now on.
    this.cached = undefined
    const mine = this.own?.get(id)
    if (mine !== undefined) return mine
    const s = this.base.get(id)
    if (s === undefined) this.added++
    const copy = s ? { ...s, readers: [...s.readers], waiters: [...s.waiters] } : Rwsem.make(id)
    this.own ??= new Map()
    this.own.set(id, copy)
    return copy
  }

  /**
   * The wait queues, by lock id whatever the creation order (who holds a semaphore is in the
   * tasks' held lists; FIFO order decides who gets it next). With `slot`, task ids renamed by it.
   */
  digest(slot?: Int32Array): string {
    if (slot === undefined && this.cached !== undefined) return this.cached
    if (this.order.length !== this.base.size + this.added) {
      this.settle()
      this.order = [...this.base.keys()].sort()
    }
    let out = ""
    for (const k of this.order) {
      const sem = this.peek(k) as Rwsem.Rwsem
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
    this.settle()
    // Field by field, in the order the class declares them (one shape for every fork).
    const c = Object.create(SemTable.prototype) as SemTable
    c.base = this.base
    c.own = undefined
    c.added = 0
    c.order = this.order
    c.cached = this.cached
    return c
  }

  /** Joins this table's own semaphores into a new shared map (they are shared from now on). */
  private settle(): void {
    if (this.own === undefined) return
    const joined = new Map(this.base)
    for (const [id, s] of this.own) joined.set(id, s)
    this.base = joined
    this.own = undefined
    this.added = 0
  }
}
