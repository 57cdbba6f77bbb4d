/**
 * Physical frames with reference counts. Data pages and page-table pages both come from here,
 * so a leak shows: after a workload, every frame in use must be reachable. Frees deferred by
 * RCU (P10) wait in a pending list until `gracePeriod` runs.
 *
 * @since 0.1.0
 */
import { SimError } from "./SimError.js"

/** The frame allocator of one simulated machine. */
export class Frames {
  private refs: Int32Array
  private next = 1
  private free: Array<number> = []
  private pending: Array<number> = []
  /** Frames with a non-zero reference count. */
  inUse = 0

  constructor(capacity = 64) {
    this.refs = new Int32Array(capacity)
  }

  /** Allocates a frame with reference count 1 and returns its pfn (never 0). */
  alloc(): number {
    const pfn = this.free.pop() ?? this.next++
    if (pfn >= this.refs.length) {
      const bigger = new Int32Array(this.refs.length * 2)
      bigger.set(this.refs)
      this.refs = bigger
    }
    this.refs[pfn] = 1
    this.inUse++
    return pfn
  }

  /** Allocates `n` physically contiguous frames (a huge page's worth) and returns the first. */
  allocRange(n: number): number {
    const first = this.next
    while (this.next + n >= this.refs.length) {
      const bigger = new Int32Array(this.refs.length * 2)
      bigger.set(this.refs)
      this.refs = bigger
    }
    this.next += n
    this.refs.fill(1, first, first + n)
    this.inUse += n
    return first
  }

  /**
   * Takes a reference on the specific frame `pfn`, allocating it if it is free (a page the
   * caller names, e.g. a pfn given through core's API). pfn 0 is reserved.
   */
  claim(pfn: number): SimError | undefined {
    if (!Number.isInteger(pfn) || pfn <= 0)
      return new SimError({ kind: "UnknownPfn", rule: "P3", message: `pfn ${pfn} is reserved` })
    if (this.count(pfn) > 0) return this.get(pfn)
    while (this.next <= pfn) this.free.push(this.next++)
    this.free.splice(this.free.indexOf(pfn), 1)
    while (pfn >= this.refs.length) {
      const bigger = new Int32Array(this.refs.length * 2)
      bigger.set(this.refs)
      this.refs = bigger
    }
    this.refs[pfn] = 1
    this.inUse++
    return undefined
  }

  /** The reference count of `pfn` (0 when free or never allocated). */
  count(pfn: number): number {
    return pfn > 0 && pfn < this.refs.length ? (this.refs[pfn] as number) : 0
  }

  /** get_page: takes one more reference on an allocated frame. */
  get(pfn: number): SimError | undefined {
    if (this.count(pfn) === 0)
      return new SimError({
        kind: "UnknownPfn",
        rule: "P3",
        message: `pfn ${pfn} is not allocated`,
      })
    this.refs[pfn] = (this.refs[pfn] as number) + 1
    return undefined
  }

  /** put_page: drops one reference; the frame is freed when the count reaches zero. */
  put(pfn: number): SimError | undefined {
    if (this.count(pfn) === 0)
      return new SimError({ kind: "DoubleFree", rule: "P7", message: `pfn ${pfn} is already free` })
    const left = (this.refs[pfn] as number) - 1
    this.refs[pfn] = left
    if (left === 0) {
      this.inUse--
      this.free.push(pfn)
    }
    return undefined
  }

  /** Defers the final put of `pfn` to the end of the next RCU grace period (P10). */
  deferFree(pfn: number): void {
    this.pending.push(pfn)
  }

  /** Frames waiting for a grace period. */
  get pendingFrees(): ReadonlyArray<number> {
    return this.pending
  }

  /** Ends a grace period: every deferred free happens now. */
  gracePeriod(): void {
    for (const pfn of this.pending.splice(0)) this.put(pfn)
  }

  /** A deep copy (for the explorer and for "rejected means unchanged" checks). */
  clone(): Frames {
    const c = new Frames(this.refs.length)
    c.refs.set(this.refs)
    c.next = this.next
    c.free = [...this.free]
    c.pending = [...this.pending]
    c.inUse = this.inUse
    return c
  }
}
